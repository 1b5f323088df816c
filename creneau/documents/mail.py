"""The ``.eml`` of the e-mail document: a complete RFC 5322 message, composed and never sent.

Opened in a mail client it is a ready draft (``X-Unsent: 1``); the correspondence app sends and
archives; this module only formats, with the standard library.
"""

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any

from django.conf import settings
from django.utils import timezone

from creneau.accounts.models import Organisation
from creneau.cases.models import Case

ATTACHMENT_NAME = "demande-de-rendez-vous.pdf"


def sender_address(organisation: Organisation) -> str:
    """The organisation's SMTP sender address when its admins set one, else DEFAULT_FROM_EMAIL."""
    from creneau.correspondence.models import MailSettings

    configured = MailSettings.objects.filter(organisation=organisation).first()
    return configured.from_address if configured else settings.DEFAULT_FROM_EMAIL


def compose_eml(case: Case, context: dict[str, Any], body: str, pdf: bytes) -> bytes:
    message = EmailMessage(policy=SMTP)
    sender = sender_address(case.organisation)
    message["From"] = sender
    if context["prefecture"]["email"]:
        message["To"] = context["prefecture"]["email"]
    if context["person"]["email"]:
        message["Reply-To"] = context["person"]["email"]
    message["Subject"] = context["subject"]
    message["Date"] = format_datetime(timezone.localtime())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["X-Unsent"] = "1"
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=ATTACHMENT_NAME)
    return message.as_bytes()
