"""The notification seam: the only module that imports Apprise.

``notify(urls, title, body)`` hands one message to every URL and says whether at least one
transport accepted it. It never raises for a remote failure (an unreachable SMTP server, a bad
token): the caller records the result, and :attr:`Delivery.reason` says in one word what went
wrong, for a sentence in the reader's language (never Apprise's own English line).

SMS go through a provider the organisation chose (:data:`SMS_PROVIDERS`): a service Apprise
reaches at its own fixed address, with the organisation's account (:func:`sms_url`). The account
never appears in a log line nor in a returned failure text: while a message is sent, every
Apprise log record is stripped of the credentials of the URLs being used.

Which server a URL leads to is read **as Apprise reads it** (:func:`servers`, through Apprise's
own parser and the plugin it builds), never by another parser: ``signal://a@127.0.0.1:1@ntfy.sh``
is ``127.0.0.1`` for Apprise and ``ntfy.sh`` for :func:`urllib.parse.urlsplit`. A URL that the
two read differently is refused as ambiguous (:func:`check_channel`), before saving and before
each send. Every server a URL names must resolve to public addresses only, when saved, before
each send, and again **at connection time**: while Apprise sends, each HTTP connection it opens
(redirects included) resolves the name once, refuses unless every address is public, and
connects to the address it checked (:func:`_guarded_connection`). E-mail goes through the
deployment's SMTP server (an operator setting), not the recipient's host.

Apprise's own log lines name recipients (« Sent … to +33600000001 »): its logger goes through
:class:`creneau.lib.redact.PersonalDataFilter` (settings.LOGGING), and the failure text returned
here is redacted the same way.
"""

import contextvars
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlencode, urlsplit

import apprise
import urllib3
import urllib3.util.connection
from apprise.utils.parse import parse_url
from django.conf import settings

from creneau.lib import redact, urlsafety
from creneau.lib.urlsafety import IPAddress

log = logging.getLogger(__name__)

# Apprise schemes whose host is the server the message is posted to. Others name a fixed
# service (a Telegram URL holds a bot token where a host would be) or, for mailto, the
# deployment's SMTP server.
SERVER_SCHEMES = frozenset({"ntfy", "ntfys", "signal", "signals", "gotify", "gotifys"})
SERVER_SCHEMES |= {"json", "jsons", "xml", "xmls", "form", "forms", "matrix", "matrixs"}
# Public services named in our own forms' examples: not resolved (and so usable on a laptop
# that is offline while a volunteer sets channels up).
KNOWN_PUBLIC_HOSTS = frozenset({"ntfy.sh"})
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
# Test seam, like the egress guard's ``routes``: a host name connected to this address (and
# port, when given) without any check (a local server posing as a public one). Empty in
# production.
ROUTES: dict[str, IPAddress | tuple[IPAddress, int]] = {}


class ChannelRefused(Exception):
    """An alert URL that must not be used: ``reason`` is ``invalid``, ``ambiguous``, ``local``
    or ``unresolvable``; ``host`` is the server concerned (never the URL: it carries tokens)."""

    def __init__(self, reason: str, host: str = "", detail: str = "") -> None:
        super().__init__(f"{reason} {host} {detail}".strip())
        self.reason = reason
        self.host = host
        self.detail = detail


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    error: str = ""  # for the operators: what Apprise said, personal data and credentials masked
    # Why nothing left, in one word: "refused" (an address leading to a local or ambiguous
    # server), "invalid" (Apprise cannot use it), "unreachable" (the service did not answer),
    # "rejected" (the service answered with a refusal); "" when delivered.
    reason: str = ""


def is_valid(url: str) -> bool:
    """Apprise knows this URL's scheme and can parse it (its warnings never show the URL's
    credentials)."""
    hidden = _masking.set(tuple(credentials(url)))
    try:
        return bool(apprise.Apprise().add(url))
    finally:
        _masking.reset(hidden)


def servers(url: str) -> list[tuple[str, int]]:
    """(host, port) of every server Apprise will contact for ``url``, as Apprise parses it.

    Raise :class:`ChannelRefused` when Apprise cannot use the URL, or when another reading of it
    names another server (ambiguous). Fixed services (Telegram) and mail name none here.
    """
    service = apprise.Apprise.instantiate(url)
    if service is None:
        raise ChannelRefused("invalid")
    parsed = parse_url(url, verify_host=False) or {}  # type: ignore[no-untyped-call]
    scheme = str(parsed.get("schema") or "").lower()
    host = str(getattr(service, "host", "") or "")
    if urlsplit(url).netloc.count("@") > 1:
        raise ChannelRefused("ambiguous", host)
    if scheme not in SERVER_SCHEMES:
        return []
    _refuse_ambiguous(url, str(parsed.get("host") or ""))
    if scheme.startswith("ntfy") and str(getattr(service, "mode", "")) == "cloud":
        return [("ntfy.sh", 443)]
    if not host:
        raise ChannelRefused("invalid")
    port = getattr(service, "port", None)
    secure = bool(getattr(service, "secure", scheme.endswith("s")))
    return [(host, port if isinstance(port, int) else (443 if secure else 80))]


def _refuse_ambiguous(url: str, apprise_host: str) -> None:
    """Apprise and a standard URL parser must agree on the host; nothing else may hide one."""
    netloc = urlsplit(url).netloc
    try:
        standard = urlsplit(url).hostname or ""
    except ValueError:
        standard = ""
    strange = any(c in netloc for c in "\\%") or any(c.isspace() or ord(c) < 32 for c in url)
    if strange or standard != apprise_host.lower().strip("[]"):
        raise ChannelRefused("ambiguous", apprise_host)


def check_channel(url: str) -> None:
    """Raise :class:`ChannelRefused` unless every server of ``url`` is public now."""
    for host, port in servers(url):
        lowered = host.lower().rstrip(".")
        if lowered in KNOWN_PUBLIC_HOSTS or lowered in ROUTES:
            continue
        if lowered in LOCAL_NAMES or lowered.endswith((".local", ".localhost")):
            raise ChannelRefused("local", host)
        try:
            urlsafety.check_public_host(host, port)
        except urlsafety.UnresolvableHostError as exc:
            raise ChannelRefused("unresolvable", host, exc.message) from None
        except urlsafety.UnsafeURLError as exc:
            raise ChannelRefused("local", host, exc.message) from None


def refused_server(url: str) -> str:
    """Why ``url`` must not be used now, or "" when it may be."""
    try:
        check_channel(url)
    except ChannelRefused as refused:
        if refused.reason == "invalid":
            return ""  # Apprise refuses it too: notify() says so
        # The host only, never the URL: it often carries a token.
        log.warning("notification to %s refused: %s", refused.host or "?", refused.reason)
        if refused.detail:
            return f"refused: {refused.detail}"
        return f"refused: {refused.reason} address" + (f" ({refused.host})" if refused.host else "")
    return ""


def notify(urls: Sequence[str], title: str, body: str) -> Delivery:
    hidden = _masking.set(tuple(secret for url in urls for secret in credentials(url)))
    try:
        refusals = {url: reason for url in urls if (reason := refused_server(url))}
        sender = apprise.Apprise()
        accepted = [url for url in urls if url not in refusals and sender.add(url)]
        refused = "; ".join(refusals.values())
        if not accepted:
            reason = "refused" if refusals else "invalid"
            return Delivery(False, refused or "no valid notification URL", reason)
        guarding = _guarding.set(True)
        try:
            with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
                sent = sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
                text = captured.getvalue().strip()
        finally:
            _guarding.reset(guarding)
    finally:
        _masking.reset(hidden)
    failure = "" if sent else (text.splitlines() or ["refused"])[-1]
    error = redact.personal_data("; ".join(e for e in (refused, failure) if e))[:500]
    return Delivery(bool(sent), _masked(error, urls), "" if sent else _reason_of(text))


def _reason_of(text: str) -> str:
    lowered = text.lower()
    if any(word in lowered for word in ("connection error", "timed out", "timeout", "refused")):
        return "unreachable"
    return "rejected"


# --- credentials never logged ---------------------------------------------------------------
# Apprise writes some of a URL's parts into its warnings (« An invalid … ({}) was specified »):
# while :func:`notify` runs, the passwords and tokens of its URLs are masked in every record.

_masking: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "creneau_alert_secrets", default=()
)


def credentials(url: str) -> list[str]:
    """The parts of ``url`` never to be logged: its password, an SMS provider's account, the
    headers (a gateway's token) and the number an SMS gateway writes to."""
    parts = urlsplit(url)
    found = [parts.password] if parts.password else []
    query = parse_qs(parts.query)
    provider = next((p for p in SMS_PROVIDERS.values() if p.scheme == parts.scheme), None)
    if provider is not None:
        found += [v for key in (provider.login, provider.secret) for v in query.get(key, [])]
    if parts.scheme in {"json", "jsons"}:
        found += [v for key, values in query.items() if key.startswith("+") for v in values]
        found += query.get(":to", [])
    found += [v.split(" ", 1)[1] for v in found if v.startswith("Bearer ")]
    return [secret for secret in found if len(secret) >= 4]


def _masked(text: str, urls: Sequence[str]) -> str:
    return _mask(text, [s for url in urls for s in credentials(url)])


def _mask(text: str, secrets: Sequence[str]) -> str:
    """``text`` without any of ``secrets``, as written or as a URL writes them."""
    for secret in secrets:
        for form in {secret, quote(secret, safe=""), quote_plus(secret, safe="")}:
            text = text.replace(form, redact.MARK)
    return text


class _MaskCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _masking.get()
        if secrets:
            record.msg, record.args = _mask(record.getMessage(), secrets), ()
        return True


logging.getLogger("apprise").addFilter(_MaskCredentials())


# --- SMS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsProvider:
    """An SMS service that Apprise reaches at its own fixed address (``host``), never one a
    user names: the organisation only gives its account (login, secret, sender)."""

    name: str
    scheme: str
    host: str
    login: str  # the query parameters Apprise reads for each part of the account
    secret: str
    sender: str
    default_sender: str = ""


SMS_PROVIDERS = {
    # Octopush: a French SMS service (docs/alerts.md says what the organisation sets).
    "octopush": SmsProvider(
        "Octopush", "octopush", "api.octopush.com", "login", "key", "sender", "Creneau"
    ),
    "twilio": SmsProvider("Twilio", "twilio", "api.twilio.com", "sid", "token", "from"),
}


def sms_url(provider: str, login: str, secret: str, sender: str, number: str) -> str:
    """The Apprise URL sending one SMS to ``number`` (E.164) through the organisation's account.

    Built here, in memory, for each send: it is never stored (the channel keeps the number only).
    """
    chosen = SMS_PROVIDERS[provider]
    query = {chosen.login: login, chosen.secret: secret, "to": number}
    if sender or chosen.default_sender:
        query[chosen.sender] = sender or chosen.default_sender
    return f"{chosen.scheme}://sms/?{urlencode(query)}"


def gateway_sms_url(gateway: str, token: str, sender: str, number: str) -> str:
    """The Apprise URL posting one SMS to the operator's generic HTTP gateway (``gateway``, an
    http(s):// URL from the settings): ``{"to": number, "text": body, "sender": sender}`` with
    ``Authorization: Bearer <token>``. Built in memory for each send, never stored."""
    parts = urlsplit(gateway)
    query = {
        # Apprise's JSON payload, reshaped: its own fields dropped, the body renamed "text".
        ":version": "",
        ":title": "",
        ":attachments": "",
        ":type": "",
        ":message": "text",
        ":to": number,
    }
    if sender:
        query[":sender"] = sender
    if token:
        query["+Authorization"] = f"Bearer {token}"
    query |= {f"-{k}": v[-1] for k, v in parse_qs(parts.query).items()}  # the gateway's own
    scheme = "jsons" if parts.scheme == "https" else "json"
    return f"{scheme}://{parts.netloc}{parts.path or '/'}?{urlencode(query, quote_via=quote)}"


# --- the connection-time check -------------------------------------------------------------
# Apprise's plugins post with ``requests``, which opens every connection (the first and each
# redirect) through urllib3's ``create_connection``. While :func:`notify` runs (the context
# variable is copied into Apprise's worker threads), that call resolves the name once, refuses
# unless every address is public, and connects to the address it checked.

_guarding = contextvars.ContextVar("creneau_alert_guard", default=False)


class LocalAddressRefused(ConnectionRefusedError):
    """The guard refused a connection to a local or private address."""


_unguarded = urllib3.util.connection.create_connection


def _guarded_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
    if not _guarding.get():
        return _unguarded(address, *args, **kwargs)
    host, port = address
    routed = ROUTES.get(host.lower())
    if routed is not None:
        address_, port_ = routed if isinstance(routed, tuple) else (routed, port)
        return _unguarded((str(address_), port_), *args, **kwargs)
    try:
        addresses = urlsafety.resolve(host, port)
    except urlsafety.UnsafeURLError as exc:
        raise OSError(f"refused: {host} does not resolve") from exc
    refused = [a for a in addresses if not urlsafety.is_public(a)]
    if refused or not addresses:
        log.warning("notification connection to %s refused: a local or private address", host)
        raise LocalAddressRefused(f"refused: {host} leads to a local or private address")
    failure: OSError | None = None
    for checked in addresses:  # the checked addresses, never the name again
        try:
            return _unguarded((str(checked), port), *args, **kwargs)
        except OSError as exc:
            failure = exc
    assert failure is not None
    raise failure


urllib3.util.connection.create_connection = _guarded_connection


def mail_url(to: str) -> str:
    """An Apprise e-mail URL to ``to``: the deployment's ``NOTIFY_MAIL_URL`` when set, else
    plain SMTP to ``EMAIL_HOST:EMAIL_PORT`` (the local relay of the embedded mode)."""
    base = settings.NOTIFY_MAIL_URL or f"mailto://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    joiner = "&" if "?" in base else "?"
    query = {"to": to, "name": "Créneau"}
    if "from=" not in base:
        query["from"] = settings.DEFAULT_FROM_EMAIL
    return base + joiner + urlencode(query)


# --- the operator's SMS gateway, asked without sending -----------------------------------------


@dataclass(frozen=True)
class GatewayAnswer:
    """Whether the operator's SMS gateway answers HTTP. ``where`` is ``scheme://host[:port]``
    only (never the path, the query nor the token); ``reason`` is "" when it answered, else
    ``refused`` (a local or private address), ``unreachable`` or ``tls``."""

    where: str
    status: int | None
    reason: str


def gateway_where(gateway: str) -> str:
    parts = urlsplit(gateway)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def probe_gateway(gateway: str, timeout: float = 5.0) -> GatewayAnswer:
    """One HEAD request to the gateway's address, through the same connection guard as a real
    SMS (public addresses only, the test routes): any HTTP answer means it can be reached. No
    token is sent and nothing is posted, so no SMS can leave."""
    parts = urlsplit(gateway)
    where = gateway_where(gateway)
    target = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path or '/'}"
    pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=timeout))
    guard = _guarding.set(True)
    try:
        response = pool.request("HEAD", target, redirect=False)
    except urllib3.exceptions.SSLError:
        return GatewayAnswer(where, None, "tls")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return GatewayAnswer(where, None, "refused" if _guard_refused(exc) else "unreachable")
    finally:
        _guarding.reset(guard)
        pool.clear()
    return GatewayAnswer(where, response.status, "")


def _guard_refused(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, LocalAddressRefused):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
