"""A new member's invitation by e-mail: the one-time link to choose a password, never a password.

The message goes through the organisation's own mail server (``MailSettings``, its sender
address) when it has one, else through the site's mail backend (``DEFAULT_FROM_EMAIL``). The
link is built on ``SITE_URL`` (never on the request's Host header, which a visitor chooses) and
says until when it is valid: Django's password-reset token, which dies once a password is set
or after ``PASSWORD_RESET_TIMEOUT``. Sending again sends a fresh link; the earlier ones stay
valid until the password is chosen or they expire.
"""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from creneau.accounts.models import MailSettings, Organisation
from creneau.accounts.organisation import set_password_path
from creneau.correspondence import mailer


class InvitationError(Exception):
    """The invitation did not leave; the text says why, in French, for the admin."""


def expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def compose(organisation: Organisation, user: User, inviter: str, now: datetime) -> tuple[str, str]:
    """(subject, body) of the invitation, in French."""
    until = expiry(now)
    days = max(round(settings.PASSWORD_RESET_TIMEOUT / 86400), 1)
    with translation.override("fr"):
        subject = _("Votre compte Créneau — %(org)s") % {"org": organisation.name}
        validity = ngettext(
            "Ce lien sert une seule fois et reste valable %(n)d jour, jusqu'au %(until)s.",
            "Ce lien sert une seule fois et reste valable %(n)d jours, jusqu'au %(until)s.",
            days,
        ) % {
            "n": days,
            "until": formats.date_format(timezone.localtime(until), _("l j F Y à H:i")),
        }
        paragraphs = [
            _("Bonjour,"),
            _(
                "%(inviter)s vous a créé un compte sur Créneau pour %(org)s. Votre identifiant "
                "de connexion : %(username)s"
            )
            % {"inviter": inviter, "org": organisation.name, "username": user.get_username()},
            _("Pour choisir vous-même votre mot de passe, ouvrez ce lien :"),
            settings.SITE_URL + set_password_path(user),
            validity,
            _(
                "S'il a expiré ou ne fonctionne plus, demandez-en un nouveau à %(inviter)s. "
                "Aucun mot de passe n'est jamais envoyé par courriel. Si vous n'attendiez pas ce "
                "message, ignorez-le : rien ne se passe sans ce lien."
            )
            % {"inviter": inviter},
            "— Créneau",
        ]
    return subject, "\n\n".join(paragraphs) + "\n"


def send(organisation: Organisation, user: User, inviter: str) -> str:
    """Send the invitation; returns the sender address used, or raises InvitationError."""
    if not user.email:
        raise InvitationError(_("Ce compte n'a pas d'adresse électronique."))
    subject, body = compose(organisation, user, inviter, timezone.now())
    account = MailSettings.objects.filter(organisation=organisation).first()
    if account is not None:
        return _through_organisation(account, user.email, subject, body)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError) as exc:
        raise InvitationError(
            _(
                "Le serveur d'envoi du site n'a pas accepté l'invitation (%(kind)s) : réessayez "
                "plus tard, ou réglez le serveur d'envoi de l'organisation."
            )
            % {"kind": type(exc).__name__}
        ) from exc
    return str(settings.DEFAULT_FROM_EMAIL)


def _through_organisation(account: MailSettings, to: str, subject: str, body: str) -> str:
    message = EmailMessage(policy=SMTP)
    message["From"] = account.from_address
    message["To"] = to
    if account.reply_to:
        message["Reply-To"] = account.reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain=account.from_address.rpartition("@")[2])
    message.set_content(body)
    try:
        mailer.send(account, mailer.Envelope(account.from_address, to, message.as_bytes()))
    except mailer.MailError as exc:
        raise InvitationError(str(exc)) from exc
    return account.from_address
