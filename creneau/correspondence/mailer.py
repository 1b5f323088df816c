"""The only module that speaks SMTP.

Contract: :func:`send` hands the given bytes to the server unchanged (smtplib only dot-stuffs
them on the wire, and the server undoes it), so the archive of those bytes is the message the
prefecture received. It returns when the server has accepted the message for the recipient, or
raises :class:`MailError` with a French message; it never retries by itself.

The server is an organisation admin's choice: it must resolve to public addresses only, unless
the operator allows local ones (``CRENEAU_ALLOW_LOCAL_SMTP``); the name is resolved once and the
connection goes to the address checked (TLS still verifies the name). A refusal quotes the
server's reply code, never its text: a "server" may be an internal service answering anything.
"""

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings

from creneau.accounts.models import MailSettings
from creneau.lib import urlsafety


class MailError(Exception):
    """The message was not accepted; the text says why, for a volunteer."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str
    message: bytes


def send(account: MailSettings, envelope: Envelope) -> None:
    if not envelope.message.endswith(b"\r\n") or b"\n" in envelope.message.replace(b"\r\n", b""):
        # A bare LF would be rewritten by some servers: the archive would no longer match.
        raise ValueError("the message must use CRLF line endings throughout")
    try:
        with _connect(account) as server:
            _secure(server, account)
            _log_in(server, account)
            refused = server.sendmail(envelope.sender, [envelope.recipient], envelope.message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            "Le serveur d'envoi a refusé l'identifiant ou le mot de passe de l'organisation."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"Le serveur d'envoi a refusé le destinataire {envelope.recipient}."
        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(
            f"Le serveur d'envoi refuse d'envoyer depuis l'adresse {envelope.sender}."
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailError(_refusal(exc)) from exc
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(_unreachable(account, exc)) from exc
    if refused:
        raise MailError(f"Le serveur d'envoi a refusé le destinataire {envelope.recipient}.")


def local_address_refusal(host: str, port: int) -> str:
    """Why ``host`` may not be used as an SMTP server now ("" when it may, or when it does not
    resolve: the send will say so)."""
    if settings.ALLOW_LOCAL_SMTP:
        return ""
    try:
        urlsafety.check_public_host(host, port)
    except urlsafety.LocalAddressError as exc:
        return (
            f"Le serveur d'envoi {host} mène à {exc.address}, une adresse locale ou privée : "
            "refusé (l'opérateur peut l'autoriser avec CRENEAU_ALLOW_LOCAL_SMTP)."
        )
    except urlsafety.UnsafeURLError:
        return ""
    return ""


def _checked_socket(host: str, port: int, timeout: float, source: object) -> socket.socket:
    """Resolve once, refuse local addresses (unless allowed), connect to an address checked."""
    addresses = urlsafety.resolve(host, port)  # UnresolvableHostError: reported as unreachable
    if not settings.ALLOW_LOCAL_SMTP:
        for address in addresses:
            if not urlsafety.is_public(address):
                raise MailError(
                    f"Le serveur d'envoi {host} mène à {address}, une adresse locale ou "
                    "privée : refusé (l'opérateur peut l'autoriser avec "
                    "CRENEAU_ALLOW_LOCAL_SMTP). Le courriel n'est pas parti."
                )
    failure: OSError = OSError(f"{host} has no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout, source)  # type: ignore[arg-type]
        except OSError as exc:
            failure = exc
    raise failure


class _CheckedSMTP(smtplib.SMTP):
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return _checked_socket(host, port, timeout, self.source_address)


class _CheckedSMTPSSL(smtplib.SMTP_SSL, _CheckedSMTP):
    """SMTP_SSL wraps the socket that :class:`_CheckedSMTP` opened, for the name."""


def _connect(account: MailSettings) -> smtplib.SMTP:
    timeout = settings.CORRESPONDENCE_SMTP_TIMEOUT_S
    if account.security == MailSettings.Security.TLS:
        return _CheckedSMTPSSL(
            account.host, account.port, timeout=timeout, context=ssl.create_default_context()
        )
    return _CheckedSMTP(account.host, account.port, timeout=timeout)


def _secure(server: smtplib.SMTP, account: MailSettings) -> None:
    if account.security == MailSettings.Security.STARTTLS:
        server.starttls(context=ssl.create_default_context())


def _log_in(server: smtplib.SMTP, account: MailSettings) -> None:
    if account.username:
        server.login(account.username, account.password or "")


def _refusal(exc: smtplib.SMTPResponseException) -> str:
    """The reply code (and an RFC 3463 status such as 5.7.1), never the server's own text."""
    if not 200 <= exc.smtp_code <= 599:
        return (
            "Le serveur d'envoi ne répond pas comme un serveur SMTP : vérifiez l'adresse et le "
            "port dans les réglages d'envoi. Le courriel n'est pas parti."
        )
    reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
    status = _STATUS.match(reply.strip())
    code = f"{exc.smtp_code} {status.group(0)}" if status else str(exc.smtp_code)
    return f"Le serveur d'envoi a refusé le message (code {code}). Le courriel n'est pas parti."


_STATUS = re.compile(r"[245]\.\d{1,3}\.\d{1,3}(?!\S)")


def _unreachable(account: MailSettings, exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        reason = "il ne répond pas"
    elif isinstance(exc, ssl.SSLError):
        reason = "la connexion chiffrée a échoué"
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        reason = "il ne propose pas STARTTLS"
    else:
        reason = f"{type(exc).__name__}"
    return (
        f"Impossible de joindre le serveur d'envoi {account.host}:{account.port} ({reason}). "
        "Le courriel n'est pas parti ; réessayez plus tard ou vérifiez les réglages d'envoi."
    )


def probe(account: MailSettings) -> None:
    """Connect, secure and log in as :func:`send` would, then leave without sending anything;
    raises :class:`MailError` (French) when the server cannot be used (``creneau doctor``)."""
    try:
        with _connect(account) as server:
            _secure(server, account)
            _log_in(server, account)
            server.noop()
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            "Le serveur d'envoi a refusé l'identifiant ou le mot de passe de l'organisation."
        ) from exc
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(_unreachable(account, exc)) from exc
