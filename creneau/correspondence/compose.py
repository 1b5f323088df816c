"""The e-mail to the foreigners' service, as bytes: composed once, approved, then sent as is.

The words come from the documents app (``render_document(case, "email")``: its text, its
subject and its PDF); this module only wraps them for SMTP. A draft holds the whole message
except the headers that belong to the moment of sending (From, Reply-To, Date, Message-ID),
which :func:`finalise` puts in front of it; nothing in the approved part is rewritten.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from django.utils import timezone

from creneau.accounts.models import MailSettings
from creneau.cases.models import Case
from creneau.correspondence.captures import captures_pdf
from creneau.documents.generate import draft_document, render_document
from creneau.documents.mail import ATTACHMENT_NAME as REQUEST_NAME
from creneau.documents.mail import header

# 7-bit on the wire: the bytes survive any relay unchanged, so the archive stays identical.
WIRE = SMTP.clone(cte_type="7bit")
CRLF = "\r\n"


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    message: bytes
    attachments: list[dict[str, Any]]
    missing: tuple[str, ...]


def compose(case: Case, recipient: str) -> Composed:
    """The request e-mail for ``case``, addressed to ``recipient``, with its PDFs attached."""
    document = render_document(case, "email")
    # The subject as the documents app wrote it, read from its context rather than from its
    # ``.eml``, whose Subject header went through the policy folder (see :func:`header`).
    subject = str(draft_document(case, "email").context["subject"])
    message = EmailMessage(policy=WIRE)
    message["To"] = recipient
    message.set_content(document.text, cte="quoted-printable")
    attachments = [(REQUEST_NAME, document.pdf)]
    captures = captures_pdf(case)
    if captures is not None:
        attachments.append((captures.name, captures.pdf))
    for name, pdf in attachments:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return Composed(
        subject=subject,
        body=document.text,
        message=header("Subject", subject) + message.as_bytes(),
        attachments=[{"name": name, "size": len(pdf)} for name, pdf in attachments],
        missing=document.missing,
    )


def reply_addresses(account: MailSettings, case: Case) -> list[str]:
    """Answers go to the organisation and to the person, so neither misses one."""
    candidates = [account.reply_to, case.person.email or ""]
    return list(dict.fromkeys(address for address in candidates if address))


def finalise(account: MailSettings, case: Case, approved: bytes) -> bytes:
    """The exact bytes to send: the sending-time headers, then the approved message."""
    sender = formataddr((case.organisation.name, account.from_address), charset="utf-8")
    lines = [f"From: {sender}"]
    replies = reply_addresses(account, case)
    if replies:
        lines.append(f"Reply-To: {', '.join(replies)}")
    lines.append(f"Date: {format_datetime(timezone.localtime())}")
    lines.append(f"Message-ID: {make_msgid(domain=account.from_address.rpartition('@')[2])}")
    return "".join(line + CRLF for line in lines).encode("ascii") + approved
