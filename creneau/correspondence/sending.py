"""E-mails to the foreigners' service: prepare, approve and send, archive, repeat, replies.

Sending a draft (:func:`send_draft`):
(1) claim it (awaiting → sending, one winner even on a double click) and note who approved it;
(2) put the sending-time headers in front of the approved bytes;
(3) hand those bytes to the organisation's SMTP server (``mailer``, the only SMTP code);
(4) keep them on the draft as sent, before anything else can fail;
(5) seal them as an ``.eml`` and record ``Attempt(email, sent, sealed)`` (:func:`archive`).
A refused or failed send puts the draft back to awaiting approval with the error and records
no attempt: the prefecture received nothing, so there is no diligence to show.
"""

import datetime
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import parsedate_to_datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from creneau.accounts.models import MailSettings
from creneau.cases.models import Attempt, Case, Channel, Outcome
from creneau.catalog.models import Prefecture
from creneau.correspondence import mailer
from creneau.correspondence.anef import written_request
from creneau.correspondence.compose import compose, finalise
from creneau.correspondence.models import MailDraft, MailSchedule
from creneau.correspondence.recording import record, seal_all
from creneau.evidence.attempts import Actor, Incoming
from creneau.evidence.uploads import UploadError, sniff

CLOCK_SKEW = datetime.timedelta(minutes=10)
RETRY_AFTER_FAILURE = datetime.timedelta(days=1)
_FINISHED = (Case.Status.APPOINTMENT, Case.Status.CLOSED)


class DraftUnavailableError(Exception):
    """The draft was already sent, discarded, or is being sent by someone else."""


def prefecture_site(case: Case) -> Prefecture | None:
    if case.prefecture is not None:
        return case.prefecture
    sites = case.department.sites.all()
    return sites.exclude(kind=Prefecture.Kind.SUBPREFECTURE).first() or sites.first()


@dataclass(frozen=True)
class Suggestion:
    address: str
    verified: bool


def suggested_recipient(case: Case) -> Suggestion:
    """The catalog's address for the foreigners' service, and whether anyone checked it."""
    site = prefecture_site(case)
    if site is None or not site.foreigners_email:
        return Suggestion("", False)
    return Suggestion(site.foreigners_email, site.verified_on is not None)


def is_verified(case: Case, recipient: str) -> bool:
    suggestion = suggested_recipient(case)
    return suggestion.verified and suggestion.address.lower() == recipient.lower()


def prepare_draft(
    case: Case, recipient: str, user: Actor = None, *, scheduled: bool = False
) -> MailDraft:
    """Compose the request e-mail and keep it awaiting approval. Raises ``DocumentError``."""
    composed = compose(case, recipient)
    return MailDraft.objects.create(
        case=case,
        recipient=recipient,
        recipient_verified=is_verified(case, recipient),
        subject=composed.subject,
        body=composed.body,
        attachments=composed.attachments,
        missing=list(composed.missing),
        message=composed.message,
        scheduled=scheduled,
        prepared_by=user if isinstance(user, User) else None,
    )


def account_for(case: Case) -> MailSettings:
    account = MailSettings.objects.filter(organisation=case.organisation).first()
    if account is None:
        raise mailer.MailError(
            "Aucun serveur d'envoi n'est réglé pour votre organisation : un·e administrateur·ice "
            "doit le renseigner (Administration › Serveurs d'envoi des courriels)."
        )
    return account


def send_draft(case: Case, draft_id: int, user: Actor) -> Attempt:
    """Steps (1)–(5). Raises ``MailError`` (nothing sent) or ``DraftUnavailableError``."""
    account = account_for(case)
    now = timezone.now()
    claimed = MailDraft.objects.filter(pk=draft_id, case=case, state=MailDraft.State.AWAITING)
    approver = user if isinstance(user, User) else None
    # (1) a conditional update: of two concurrent approvals, exactly one changes the row.
    if not claimed.update(state=MailDraft.State.SENDING, approved_by=approver, approved_at=now):
        raise DraftUnavailableError(draft_id)
    draft = MailDraft.objects.get(pk=draft_id)
    final = finalise(account, case, bytes(draft.message))  # (2)
    try:
        mailer.send(account, mailer.Envelope(account.from_address, draft.recipient, final))  # (3)
    except mailer.MailError as exc:
        draft.state, draft.last_error = MailDraft.State.AWAITING, str(exc)
        draft.save(update_fields=["state", "last_error"])
        raise
    draft.state, draft.sent_at, draft.sent_message = MailDraft.State.SENT, timezone.now(), final
    draft.last_error = ""
    draft.save(update_fields=["state", "sent_at", "sent_message", "last_error"])  # (4)
    return archive(draft)  # (5)


def archive(draft: MailDraft) -> Attempt:
    """Seal the sent bytes and record the attempt (again callable if it failed after sending)."""
    assert draft.sent_message is not None and draft.sent_at is not None
    if draft.attempt is not None:
        return draft.attempt
    stamp = timezone.localtime(draft.sent_at).strftime("%Y%m%d-%H%M")
    eml = Incoming(bytes(draft.sent_message), f"courriel-{stamp}.eml", f"courriel-envoye-{stamp}")
    filed = seal_all(draft.case, [eml])
    names = ", ".join(item["name"] for item in draft.attachments)
    note = f"Courriel envoyé à {draft.recipient} : « {draft.subject} »" + (
        f" (pièces jointes : {names})." if names else "."
    )
    detail, purpose = written_request(draft.case)
    with transaction.atomic():
        attempt = record(
            draft.case,
            channel=Channel.EMAIL,
            outcome=Outcome.SENT,
            at=draft.sent_at,
            note=f"{note} {purpose}".strip(),
            user=draft.approved_by,
            files=filed,
            sent=True,
            detail=detail,
        )
        draft.attempt = attempt
        draft.save(update_fields=["attempt"])
    return attempt


def archive_unrecorded() -> list[Attempt]:
    """Drafts sent but not yet archived (a crash between steps 4 and 5): archive them now."""
    pending = MailDraft.objects.filter(state=MailDraft.State.SENT, attempt__isnull=True)
    return [archive(draft) for draft in pending.select_related("case")]


def discard_draft(case: Case, draft_id: int) -> bool:
    drafts = MailDraft.objects.filter(pk=draft_id, case=case, state=MailDraft.State.AWAITING)
    return bool(drafts.update(state=MailDraft.State.DISCARDED))


# --- replies -------------------------------------------------------------------------------


def read_reply(data: bytes) -> EmailMessage:
    """A received message, refused unless it is an RFC 5322 message with From and Date."""
    if not data:
        raise UploadError("fichier vide")
    if sniff(data) != "message/rfc822":
        raise UploadError("ce fichier n'est pas un courriel : enregistrez-le au format .eml")
    message = BytesParser(policy=default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    for header in ("From", "Date"):
        if not message.get(header):
            raise UploadError(f"courriel incomplet : l'en-tête « {header} » manque")
    try:
        parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError) as exc:
        raise UploadError("courriel incomplet : sa date est illisible") from exc
    return message


def received_at(message: EmailMessage) -> datetime.datetime:
    """The reply's own date, unless it is naive or in the future (then: now)."""
    sent = parsedate_to_datetime(str(message["Date"]))
    now = timezone.now()
    if sent.tzinfo is None or sent > now + CLOCK_SKEW:
        return now
    return sent


def record_reply(case: Case, data: bytes, filename: str, user: Actor) -> Attempt:
    message = read_reply(data)
    sender, subject = str(message["From"]), str(message.get("Subject", ""))
    return record(
        case,
        channel=Channel.EMAIL,
        outcome=Outcome.ANSWERED,
        at=received_at(message),
        note=f"Réponse reçue de {sender}" + (f" : « {subject} »." if subject else "."),
        user=user,
        files=[Incoming(data, filename, "courriel-reponse")],
    )


# --- repetition ----------------------------------------------------------------------------


def set_schedule(case: Case, recipient: str, interval_days: int, user: Actor) -> MailSchedule:
    schedule, _ = MailSchedule.objects.update_or_create(
        case=case,
        defaults={
            "recipient": recipient,
            "interval_days": interval_days,
            "next_due": timezone.now() + datetime.timedelta(days=interval_days),
            "active": True,
            "last_error": "",
            "created_by": user if isinstance(user, User) else None,
        },
    )
    return schedule


def due_mail_drafts(now: datetime.datetime) -> list[MailDraft]:
    """Prepare the drafts of every due schedule; never sends. For the scheduler to call.

    Each schedule is claimed by moving its ``next_due`` with a conditional update, so two
    schedulers running at once never prepare the same draft twice. A case that still has a
    draft awaiting approval gets no second one (they would pile up unread); a finished case
    stops its schedule; a document that cannot be produced is retried a day later, with the
    reason kept on the schedule for the volunteers.
    """
    prepared = []
    due = MailSchedule.objects.filter(active=True, next_due__lte=now).select_related("case")
    for schedule in due:
        if _claim(schedule, now):
            draft = _prepare_scheduled(schedule, now)
            prepared += [draft] if draft else []
    return prepared


def _claim(schedule: MailSchedule, now: datetime.datetime) -> bool:
    following = now + datetime.timedelta(days=schedule.interval_days)
    rows = MailSchedule.objects.filter(pk=schedule.pk, next_due=schedule.next_due)
    claimed = bool(rows.update(next_due=following, last_error=""))
    schedule.next_due = following
    return claimed


def _prepare_scheduled(schedule: MailSchedule, now: datetime.datetime) -> MailDraft | None:
    from creneau.documents.generate import DocumentError

    case = schedule.case
    if case.status in _FINISHED:
        MailSchedule.objects.filter(pk=schedule.pk).update(active=False)
        return None
    if MailDraft.objects.filter(case=case, state=MailDraft.State.AWAITING).exists():
        return None
    try:
        return prepare_draft(case, schedule.recipient, scheduled=True)
    except DocumentError as exc:
        retry = now + RETRY_AFTER_FAILURE
        MailSchedule.objects.filter(pk=schedule.pk).update(next_due=retry, last_error=str(exc))
        return None
