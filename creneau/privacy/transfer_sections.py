"""Case format 2: the sections beyond the first version, read and written for ``transfer``.

* ``attempts[].details``: what a channel keeps beside the attempt — the recipient and subject of
  an e-mail, the tracking number of a registered letter (and which attempt is its avis de
  réception), the site of a counter visit and whether it was witnessed. The witness's identity
  is never kept, so it is never exported.
* ``court``: the follow-up events (requête filed, hearing, order with its outcome, delay and
  notification, appointment offered, execution requested…).
* ``documents``: the documents added for the filing, their files beside the JSON file.
* ``procedure.channel`` (with ``channel_basis`` and ``channel_note``): the route of the
  application; ``anef``: the démarche on the téléservice (never a password); the details of the
  ANEF journey's attempts (contact centre ticket, certification, point d'accueil numérique,
  blocking step and message, purpose of a written request).

Each section is checked with the rest of the file (every problem names its field) and written
only when the whole file is valid.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from creneau.cases.filing import filing_route
from creneau.cases.models import AnefJourney, Attempt, AttemptDetail, Case, CourtEvent, detail_of
from creneau.correspondence.models import CounterVisit, MailDraft, RegisteredLetter
from creneau.court.followups import status_after
from creneau.evidence.models import CaseDocument
from creneau.evidence.uploads import UploadError, seal_upload
from creneau.lib import storage
from creneau.privacy.transfer_reading import parse_date, read_files

_ORDER_KINDS = {
    "injunction": CourtEvent.Kind.INJUNCTION,
    "rejection": CourtEvent.Kind.REJECTED,
    "non_lieu": CourtEvent.Kind.NON_LIEU,
}
_PLAIN_KINDS = {
    "filed": CourtEvent.Kind.FILED,
    "hearing": CourtEvent.Kind.HEARING,
    "appointment_offered": CourtEvent.Kind.APPOINTMENT_OFFERED,
    "rejected": CourtEvent.Kind.REJECTED,
    "execution_requested": CourtEvent.Kind.EXECUTION_REQUESTED,
    "closed": CourtEvent.Kind.CLOSED,
}


@dataclass(frozen=True)
class PendingEvent:
    kind: str  # CourtEvent.Kind
    on: datetime.date
    notified_on: datetime.date | None
    number: str
    deadline_days: int | None
    astreinte: int | None
    note: str


@dataclass(frozen=True)
class PendingJourney:
    account_created_on: datetime.date | None
    demarche: str
    demarche_number: str
    provisional: str
    provisional_until: datetime.date | None


@dataclass(frozen=True)
class PendingDocument:
    kind: str
    label: str
    name: str
    data: bytes


def _date(value: object, path: str, problems: Any) -> datetime.date | None:
    return parse_date(value, path, problems)


def check_court(events: object, problems: Any) -> list[PendingEvent]:
    found = []
    for index, raw in enumerate(events if isinstance(events, list) else []):
        if not isinstance(raw, dict):
            continue
        where = f"court[{index}]"
        on = _date(raw.get("on"), f"{where}.on", problems)
        notified = _date(raw.get("notified_on"), f"{where}.notified_on", problems)
        kind = _event_kind(raw, where, problems)
        if on is None or kind is None:
            continue
        found.append(
            PendingEvent(
                kind,
                on,
                notified,
                str(raw.get("number") or ""),
                raw.get("deadline_days") if isinstance(raw.get("deadline_days"), int) else None,
                raw.get("astreinte") if isinstance(raw.get("astreinte"), int) else None,
                str(raw.get("note") or ""),
            )
        )
    return found


def _event_kind(raw: dict[str, Any], where: str, problems: Any) -> str | None:
    kind = raw.get("kind")
    if kind == "order":
        outcome = raw.get("outcome")
        if outcome not in _ORDER_KINDS:
            problems.add(f"{where}.outcome", _("issue de l'ordonnance manquante ou inconnue"))
            return None
        if outcome == "rejection" and raw.get("tri"):
            return str(CourtEvent.Kind.TRI)
        return str(_ORDER_KINDS[outcome])
    if isinstance(kind, str) and kind in _PLAIN_KINDS:
        return str(_PLAIN_KINDS[kind])
    return None  # the schema already named an unknown kind


def check_documents(documents: object, base: Path, problems: Any) -> list[PendingDocument]:
    found = []
    for index, raw in enumerate(documents if isinstance(documents, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("file"), str):
            continue
        where = f"documents[{index}]"
        files = read_files([raw["file"]], base, where, problems)
        for pending in files:
            label = str(raw.get("label") or "")
            found.append(PendingDocument(str(raw.get("kind")), label, pending.name, pending.data))
    return found


def check_details(attempts: object, problems: Any) -> None:
    """A letter's avis de réception needs the letter it belongs to."""
    sent, receipts = set(), {}
    for index, raw in enumerate(attempts if isinstance(attempts, list) else []):
        details = raw.get("details") if isinstance(raw, dict) else None
        if not isinstance(details, dict) or not details.get("tracking_number"):
            continue
        number = details["tracking_number"]
        if details.get("receipt"):
            receipts[number] = index
        else:
            sent.add(number)
    for number, index in receipts.items():
        if number not in sent:
            problems.add(
                f"attempts[{index}].details",
                _("avis de réception sans la lettre n° %(n)s qu'il accompagne") % {"n": number},
            )


def check_anef(raw: object, problems: Any) -> PendingJourney | None:
    if not isinstance(raw, dict):
        return None
    return PendingJourney(
        _date(raw.get("account_created_on"), "anef.account_created_on", problems),
        str(raw.get("demarche") or ""),
        str(raw.get("demarche_number") or ""),
        str(raw.get("provisional") or ""),
        _date(raw.get("provisional_until"), "anef.provisional_until", problems),
    )


def import_channel(case: Case, procedure: dict[str, Any]) -> None:
    """The route given in the file; kept as the case's own choice unless it is only what the
    catalog (or the page followed) gives anyway, so that export → import changes nothing."""
    given, note = procedure.get("channel") or "", str(procedure.get("channel_note") or "")
    case.channel_note = note
    if given and (procedure.get("channel_basis") == "case" or filing_route(case).channel != given):
        case.channel = given
    if case.channel or note:
        case.save(update_fields=["channel", "channel_note"])


def import_anef(case: Case, journey: PendingJourney | None) -> None:
    if journey is None:
        return
    AnefJourney.objects.create(
        case=case,
        account_created_on=journey.account_created_on,
        demarche=journey.demarche,
        demarche_number=journey.demarche_number,
        provisional=journey.provisional,
        provisional_until=journey.provisional_until,
    )


_DETAIL_KEYS = ("via", "ticket", "certifies_impossibility", "step", "message", "purpose")


def _import_detail(case: Case, attempt: Attempt, details: dict[str, Any]) -> None:
    """The ANEF journey's details of one attempt (a counter visit keeps its own row)."""
    pan = attempt.channel == "pan" and ("site" in details or "witnessed" in details)
    if not pan and not any(details.get(key) for key in _DETAIL_KEYS):
        return
    site = None
    if attempt.channel == "pan" and details.get("site"):
        site = case.department.sites.filter(name=details["site"]).first()
    AttemptDetail.objects.create(
        attempt=attempt,
        via=details.get("via") or "",
        ticket=str(details.get("ticket") or ""),
        certifies_impossibility=bool(details.get("certifies_impossibility")),
        site=site,
        witnessed=bool(details.get("witnessed")) if attempt.channel == "pan" else False,
        step=str(details.get("step") or ""),
        message=str(details.get("message") or ""),
        purpose=details.get("purpose") or "",
    )


def import_details(case: Case, attempts: list[tuple[Attempt, dict[str, Any]]]) -> None:
    letters: dict[str, dict[str, Attempt]] = {}
    for attempt, raw in attempts:
        details = raw.get("details") or {}
        _import_detail(case, attempt, details)
        if attempt.channel == "email" and details.get("recipient"):
            MailDraft.objects.create(
                case=case,
                recipient=details["recipient"],
                subject=details.get("subject") or "",
                body="",
                message=b"",
                state=MailDraft.State.SENT,
                sent_at=attempt.at,
                attempt=attempt,
            )
        if attempt.channel == "counter" and ("site" in details or "witnessed" in details):
            site = case.department.sites.filter(name=details.get("site") or "").first()
            CounterVisit.objects.create(
                attempt=attempt, site=site, witnessed=bool(details.get("witnessed"))
            )
        number = details.get("tracking_number")
        if number:
            role = "receipt" if details.get("receipt") else "sent"
            letters.setdefault(number, {})[role] = attempt
    for number, roles in letters.items():
        RegisteredLetter.objects.create(
            case=case, tracking_number=number, sent=roles["sent"], receipt=roles.get("receipt")
        )


def import_court(case: Case, events: list[PendingEvent], status_given: bool) -> None:
    rows = [
        CourtEvent.objects.create(
            case=case,
            kind=event.kind,
            occurred_on=event.on,
            notified_on=event.notified_on,
            court_number=event.number,
            deadline_days=event.deadline_days,
            astreinte=event.astreinte,
            text=event.note,
        )
        for event in events
    ]
    if rows and not status_given:
        ordered = sorted(rows, key=lambda row: (row.occurred_on, row.pk))
        case.status = status_after(ordered, case.status)
        case.save(update_fields=["status"])


def import_documents(case: Case, documents: list[PendingDocument]) -> None:
    """Seal each file on arrival, as an added document always is."""
    from creneau.evidence.models import Upload

    for document in documents:
        try:
            sealed = seal_upload(document.data, document.name, case)
        except UploadError as error:
            raise DocumentImportError(f"{document.name} : {error}") from error
        CaseDocument.objects.create(
            case=case,
            kind=document.kind,
            label=document.label,
            upload=Upload.objects.get(pk=sealed.upload_id),
        )


class DocumentImportError(ValueError):
    """An added document's file is refused by the evidence store (French message)."""


def export_details(attempt: Attempt) -> dict[str, Any]:
    details: dict[str, Any] = {}
    draft = MailDraft.objects.filter(attempt=attempt).first()
    if draft is not None:
        details |= {"recipient": draft.recipient, "subject": draft.subject}
    visit = CounterVisit.objects.filter(attempt=attempt).select_related("site").first()
    if visit is not None:
        details |= {"site": visit.site.name if visit.site else "", "witnessed": visit.witnessed}
    details |= _export_detail(attempt)
    letter = RegisteredLetter.objects.filter(sent=attempt).first()
    receipt = RegisteredLetter.objects.filter(receipt=attempt).first()
    if letter is not None:
        details["tracking_number"] = letter.tracking_number
    elif receipt is not None:
        details |= {"tracking_number": receipt.tracking_number, "receipt": True}
    return details


def _export_detail(attempt: Attempt) -> dict[str, Any]:
    detail = detail_of(attempt)
    if detail is None:
        return {}
    found: dict[str, Any] = {
        "via": detail.via,
        "ticket": detail.ticket,
        "certifies_impossibility": detail.certifies_impossibility,
        "step": detail.step,
        "message": detail.message,
        "purpose": detail.purpose,
    }
    found = {key: value for key, value in found.items() if value}
    if attempt.channel == "pan":
        found |= {"site": detail.site.name if detail.site else "", "witnessed": detail.witnessed}
    return found


def export_channel(case: Case) -> dict[str, Any]:
    route = filing_route(case)
    return {
        "channel": route.channel,
        "channel_basis": route.basis,
        "channel_note": case.channel_note,
    }


def export_anef(case: Case) -> dict[str, Any]:
    journey = AnefJourney.objects.filter(case=case).first()
    if journey is None:
        return {}
    return {
        "anef": {
            "account_created_on": _iso(journey.account_created_on),
            "demarche": journey.demarche,
            "demarche_number": journey.demarche_number,
            "provisional": journey.provisional,
            "provisional_until": _iso(journey.provisional_until),
        }
    }


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


_KIND_OUT: dict[str, tuple[str, dict[str, Any]]] = {
    CourtEvent.Kind.INJUNCTION: ("order", {"outcome": "injunction"}),
    CourtEvent.Kind.REJECTED: ("order", {"outcome": "rejection"}),
    CourtEvent.Kind.TRI: ("order", {"outcome": "rejection", "tri": True}),
    CourtEvent.Kind.NON_LIEU: ("order", {"outcome": "non_lieu"}),
}


def export_court(case: Case) -> list[dict[str, Any]]:
    events = CourtEvent.objects.filter(case=case).order_by("occurred_on", "id")
    return [_export_event(event) for event in events]


def _export_event(event: CourtEvent) -> dict[str, Any]:
    kind, extra = _KIND_OUT.get(CourtEvent.Kind(event.kind), (str(event.kind), {}))
    return {
        "kind": kind,
        "on": event.occurred_on.isoformat(),
        **extra,
        "notified_on": event.notified_on.isoformat() if event.notified_on else None,
        "deadline_days": event.deadline_days,
        "number": event.court_number,
        "astreinte": event.astreinte,
        "note": event.text,
    }


def document_path(index: int, document: CaseDocument) -> str:
    """Named by position and original name, so a second export names it the same."""
    return f"files/documents/{index:02d}/{Path(document.upload.filename).name}"


def export_documents(case: Case) -> list[tuple[dict[str, Any], CaseDocument]]:
    documents = CaseDocument.objects.filter(case=case).select_related("upload__filed")
    return [
        ({"kind": d.kind, "label": d.label, "file": document_path(i, d)}, d)
        for i, d in enumerate(documents.order_by("added_at", "id"), start=1)
    ]


def write_documents(case: Case, out: Path) -> None:
    """The filed (metadata-free) copy of each added document, where the JSON names it."""
    for entry, document in export_documents(case):
        target = out / entry["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(storage.read(document.upload.filed.sha256))
