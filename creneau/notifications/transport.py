"""The notification seam: the only module that imports Apprise.

``notify(urls, title, body)`` hands one message to every URL and says whether at least one
transport accepted it. It never raises for a remote failure (an unreachable SMTP server, a bad
token): the caller records the result.

A URL that names its own server (self-hosted ntfy, a Signal REST API…) is checked just before
each send: a server that now resolves to a loopback or private address is not contacted, and
the refusal is part of the returned error. The form checked it when it was saved, but DNS
answers change. E-mail goes through the organisation's SMTP server, not the recipient's host.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import apprise
from django.conf import settings

from creneau.lib import urlsafety

log = logging.getLogger(__name__)

# Apprise schemes whose host is the server the message is posted to. Others name a fixed
# service (a Telegram URL holds a bot token where a host would be) or, for mailto, the
# deployment's SMTP server.
SERVER_SCHEMES = frozenset({"ntfy", "ntfys", "signal", "signals", "gotify", "gotifys"})
SERVER_SCHEMES |= {"json", "jsons", "xml", "xmls", "form", "forms", "matrix", "matrixs"}
# Public services named in our own forms' examples: not resolved (and so usable on a laptop
# that is offline while a volunteer sets channels up).
KNOWN_PUBLIC_HOSTS = frozenset({"ntfy.sh"})


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    error: str = ""


def is_valid(url: str) -> bool:
    """Apprise knows this URL's scheme and can parse it."""
    return bool(apprise.Apprise().add(url))


def notify(urls: Sequence[str], title: str, body: str) -> Delivery:
    refusals = {url: reason for url in urls if (reason := refused_server(url))}
    sender = apprise.Apprise()
    accepted = [url for url in urls if url not in refusals and sender.add(url)]
    refused = "; ".join(refusals.values())
    if not accepted:
        return Delivery(False, refused or "no valid notification URL")
    with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
        ok = bool(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
        text = captured.getvalue().strip()
    failure = "" if ok else (text.splitlines() or ["refused"])[-1]
    return Delivery(ok, "; ".join(e for e in (refused, failure) if e)[:500])


def refused_server(url: str) -> str:
    """Why ``url``'s server must not be contacted now (it resolves to a local address, or to
    nothing), or "" when it may be (or names no server of its own)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in SERVER_SCHEMES or not host or host in KNOWN_PUBLIC_HOSTS:
        return ""
    try:
        port = parts.port
    except ValueError:
        return "refused: invalid port"
    if scheme.startswith("ntfy") and not parts.path.strip("/"):
        return ""  # ntfy://topic: the topic sits where a host would, on the public ntfy.sh
    try:
        urlsafety.check_public_host(host, port or (443 if scheme.endswith("s") else 80))
    except urlsafety.UnsafeURLError as exc:
        # The host only, never the URL: it often carries a token.
        log.warning("notification to %s refused: %s", host, exc.message)
        return f"refused: {exc.message}"
    return ""


def mail_url(to: str) -> str:
    """An Apprise e-mail URL to ``to``: the deployment's ``NOTIFY_MAIL_URL`` when set, else
    plain SMTP to ``EMAIL_HOST:EMAIL_PORT`` (the local relay of the embedded mode)."""
    base = settings.NOTIFY_MAIL_URL or f"mailto://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    joiner = "&" if "?" in base else "?"
    query = {"to": to, "name": "Créneau"}
    if "from=" not in base:
        query["from"] = settings.DEFAULT_FROM_EMAIL
    return base + joiner + urlencode(query)
