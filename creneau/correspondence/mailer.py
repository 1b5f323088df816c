"""The only module that speaks SMTP.

Contract: :func:`send` hands the given bytes to the server unchanged (smtplib only dot-stuffs
them on the wire, and the server undoes it), so the archive of those bytes is the message the
prefecture received. It returns when the server has accepted the message for the recipient, or
raises :class:`MailError` with a French message; it never retries by itself.
"""

import smtplib
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings

from creneau.accounts.models import MailSettings


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


def _connect(account: MailSettings) -> smtplib.SMTP:
    timeout = settings.CORRESPONDENCE_SMTP_TIMEOUT_S
    if account.security == MailSettings.Security.TLS:
        return smtplib.SMTP_SSL(
            account.host, account.port, timeout=timeout, context=ssl.create_default_context()
        )
    return smtplib.SMTP(account.host, account.port, timeout=timeout)


def _secure(server: smtplib.SMTP, account: MailSettings) -> None:
    if account.security == MailSettings.Security.STARTTLS:
        server.starttls(context=ssl.create_default_context())


def _log_in(server: smtplib.SMTP, account: MailSettings) -> None:
    if account.username:
        server.login(account.username, account.password or "")


def _refusal(exc: smtplib.SMTPResponseException) -> str:
    reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"Le serveur d'envoi a refusé le message (code {exc.smtp_code} : {reply[:200]})."


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
