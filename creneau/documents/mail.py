"""The ``.eml`` of the e-mail document: a complete RFC 5322 message, composed and never sent.

Opened in a mail client it is a ready draft (``X-Unsent: 1``); the correspondence app sends and
archives; this module only formats, with the standard library.
"""

from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any

from django.conf import settings
from django.utils import timezone

from creneau.accounts.models import Organisation
from creneau.cases.models import Case

ATTACHMENT_NAME = "demande-de-rendez-vous.pdf"
CRLF = "\r\n"


def header(name: str, value: str) -> bytes:
    """One header line, RFC 2047-encoded by the legacy ``Header`` class.

    Not through ``email.policy``: its folder drops the space between two encoded words
    (« carte de séjour » arrives as « cartede séjour »), which a prefecture would read.
    """
    encoded = Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: {encoded}{CRLF}".encode("ascii")


def sender_address(organisation: Organisation) -> str:
    """The organisation's SMTP sender address when its admins set one, else DEFAULT_FROM_EMAIL."""
    from creneau.accounts.models import MailSettings

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
    message["Date"] = format_datetime(timezone.localtime())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["X-Unsent"] = "1"
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=ATTACHMENT_NAME)
    # The Subject is encoded apart: email.policy's folder can drop the space between two
    # encoded words (« carte de séjour » → « cartede séjour »).
    return header("Subject", context["subject"]) + message.as_bytes()
