"""The inventaire des pièces: which exhibits a requête lists, in which order, numbered.

R. 412-2 CJA wants every exhibit numbered continuously with an explicit label; since 2021
Télérecours wants one exhibit per file, except a « série homogène » (legal.md §4.2), so online
screenshots are grouped one exhibit per calendar month. ``plan_exhibits`` is pure (it reads only
attribute values); the bundle builder turns each ``Exhibit`` into a file named ``filename_stem``.

This is the one place exhibit numbers come from: the requête, its inventory and the bundle all
call ``exhibits_for(case)``. An attempt gets an exhibit of its own (a page of the monthly series,
an e-mail, a letter) only when a file proves it (``creneau.evidence.states``: a capture, a sent
e-mail, a person's screenshot, a scan); an attempt only declared has no exhibit to stand for it:
the relevé du journal lists it, as declared, and no placeholder page pretends otherwise. Nor
has an attempt whose screenshot, once read, shows something else (another prefecture, no
statement of unavailability…) until a volunteer keeps it with a note (``evidence.readings``).
Documents the volunteer adds (identity, address, urgency…) are ``evidence.CaseDocument`` rows and
the observatory's availability records, read here, so the numbers are the same whichever command
draws the requête.
"""

import datetime
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import groupby
from zoneinfo import ZoneInfo

from creneau.cases.filing import is_anef
from creneau.cases.models import Attempt, AttemptDetail, Case, Channel, Outcome, detail_of
from creneau.documents.french import PARIS, french_date, month_label, paris
from creneau.evidence.models import CaseDocument
from creneau.evidence.readings import set_aside_attempts
from creneau.evidence.states import evidence_of
from creneau.observatory.models import AvailabilityExhibit, ObservedPage

# Online attempts that show the booking page refusing an appointment. CAPTCHA, UNKNOWN and
# SLOTS_AVAILABLE prove nothing of the kind and never appear as « tentatives infructueuses ».
FRUITLESS_ONLINE = frozenset({Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.QUEUE})
# An availability record of the observatory, chosen by the volunteer for the bundle.
AVAILABILITY = "availability"
# One exhibit per attempt for written and in-person steps, in this order.
_ONE_PER_ATTEMPT = (
    Channel.EMAIL,
    Channel.LETTER,
    Channel.COUNTER,
    Channel.CCC,
    Channel.PAN,
    Channel.DDD,
    Channel.PHONE,
    Channel.OTHER,
)
_KIND = {Channel.OTHER: "other_channel"}  # « other » is a kind of added document
_FILENAME_MAX = 80  # Télérecours naming rule, applied to Télérecours citoyens too (legal.md §4.2)
# Added documents that join a planned exhibit instead of becoming one of their own.
_JOINS = {
    "identity": "identity",
    "residence_title": "residence_title",
    "receipt": "residence_title",
    "address": "address",
    "channel": "channel",
}
# The others follow the evidence of the attempts, in this order: the availability record of the
# booking page (it completes them), then urgency, as argued.
_ADDED_ORDER = (
    "availability",
    "employment",
    "schooling",
    "benefits",
    "urgency",
    "application",
    "other",
)
_PREFIX = {
    "residence_title": "Copie du titre de séjour",
    "receipt": "Récépissé ou attestation de prolongation de l'instruction",
    "employment": "Situation professionnelle",
    "schooling": "Scolarité",
    "benefits": "Droits sociaux",
    "urgency": "Justificatif de l'urgence",
    "application": "Dossier de demande de titre de séjour",
    "identity": "Pièce d'identité",
}


@dataclass(frozen=True)
class AddedDocument:
    """A document added to the case for the filing (an ``evidence.CaseDocument``)."""

    id: int
    kind: str  # identity, residence_title, receipt, address, channel, employment, …
    label: str


def added_documents(case: "Case") -> list[AddedDocument]:
    """The documents the volunteer added to the case for the filing, oldest first, then the
    availability records of the observatory they chose (drawn by ``court.availability``)."""
    rows = CaseDocument.objects.filter(case=case).order_by("added_at", "id")
    records = AvailabilityExhibit.objects.filter(case=case).select_related("observed__department")
    return [AddedDocument(row.pk, row.kind, row.label) for row in rows] + [
        AddedDocument(row.pk, AVAILABILITY, availability_label(row))
        for row in records.order_by("added_at", "id")
    ]


def availability_label(row: AvailabilityExhibit) -> str:
    """« Relevé de disponibilité de la page de rendez-vous de la préfecture de … du … au … »."""
    return (
        f"Relevé de disponibilité de la page de rendez-vous {_site(row.observed)} du "
        f"{french_date(row.first_day)} au {french_date(row.last_day)}"
    )


def _site(row: ObservedPage) -> str:
    """« de la préfecture de la Seine-Saint-Denis », « de la sous-préfecture du Raincy »."""
    name = row.prefecture_name
    if name:
        return f"de la {name[:1].lower()}{name[1:]}"
    if row.department is not None:
        return f"de la préfecture {row.department.name_with_article}"
    return "de la préfecture"


def added_label(document: AddedDocument) -> str:
    prefix = _PREFIX.get(document.kind)
    label = document.label.strip()
    if not prefix:
        return label
    return f"{prefix} : {label}" if label and label.lower() != prefix.lower() else prefix


@dataclass(frozen=True)
class Exhibit:
    number: int
    label: str
    kind: str  # identity, residence_title, screenshots, email, letter, counter, ccc, ddd, journal…
    attempt_ids: tuple[int, ...] = ()
    first: datetime.date | None = None
    last: datetime.date | None = None
    document_ids: tuple[int, ...] = ()  # added documents this exhibit is drawn from

    @property
    def provided(self) -> bool:
        """Whether the file holds something to draw this exhibit from."""
        return bool(self.attempt_ids or self.document_ids) or self.kind in _FROM_JOURNAL

    @property
    def filename_stem(self) -> str:
        """« 03_Captures_d_ecran_de_la_prise_de_rendez_vous… », no accents, dots or spaces."""
        ascii_label = unicodedata.normalize("NFKD", self.label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "_", ascii_label).strip("_")
        return cut_at_word(f"{self.number:02d}_{slug}", _FILENAME_MAX)


_FROM_JOURNAL = frozenset({"journal", "timeline"})


# Words a cut name must not end on: they announce what was cut off (« …_preuve_d », « …_au_30 »).
_DANGLING = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "jusqu",
        "l",
        "la",
        "le",
        "les",
        "n",
        "qu",
        "s",
        "sur",
    ]
)


def cut_at_word(stem: str, limit: int) -> str:
    """At most ``limit`` characters, cut after a whole word (« …_13_tentatives »), never inside,
    and never on a word that only makes sense with what follows (« d », « au », « 30 »)."""
    if len(stem) <= limit:
        return stem
    cut = stem[: limit + 1]
    if "_" not in cut[3:]:
        return stem[:limit].rstrip("_-")
    words = cut[: cut.rfind("_")].split("_")
    while len(words) > 2 and (words[-1].lower() in _DANGLING or _short_number(words[-1])):
        words.pop()
    return "_".join(words).rstrip("_-")


def _short_number(word: str) -> bool:
    return word.isdigit() and len(word) <= 2


def is_listed(attempt: Attempt) -> bool:
    """Whether a document lists this attempt as a step taken in vain."""
    return attempt.channel != Channel.ONLINE or attempt.outcome in FRUITLESS_ONLINE


# The case's local time while a plan is drawn (Paris unless the département is overseas).
_ZONE: ContextVar[ZoneInfo] = ContextVar("exhibit_zone", default=PARIS)
# The attempts a file proves while a plan is drawn (None: every attempt, for plans drawn by hand).
_PROVEN: ContextVar[Collection[int] | None] = ContextVar("exhibit_proven", default=None)


def _proven(attempt: Attempt) -> bool:
    proven = _PROVEN.get()
    return proven is None or attempt.pk in proven


# Whether the case is lodged on the ANEF téléservice (captions say so, not « rendez-vous »).
_ANEF: ContextVar[bool] = ContextVar("exhibit_anef", default=False)


def _local_date(attempt: Attempt) -> datetime.date:
    return paris(attempt.at, _ZONE.get()).date()


def _ids(attempts: Iterable[Attempt]) -> tuple[int, ...]:
    return tuple(attempt.pk for attempt in attempts)


def _draft(label: str, kind: str, attempts: Sequence[Attempt] = ()) -> Exhibit:
    days = [_local_date(attempt) for attempt in attempts]
    return Exhibit(0, label, kind, _ids(attempts), min(days, default=None), max(days, default=None))


def _span(first: datetime.date, last: datetime.date) -> str:
    if first == last:
        return f"le {french_date(first)}"
    return f"du {french_date(first)} au {french_date(last)}"


def _online_months(attempts: Sequence[Attempt]) -> list[Exhibit]:
    online = [a for a in attempts if a.channel == Channel.ONLINE and is_listed(a) and _proven(a)]
    months = groupby(online, key=lambda a: _local_date(a).replace(day=1))
    drafts = []
    for month, grouped in months:
        group = list(grouped)
        first, last = _local_date(group[0]), _local_date(group[-1])
        several = len(group) > 1
        count = f"{len(group)} tentative{'s' if several else ''}"
        what = (
            "d'écran du téléservice ANEF bloqué"
            if _ANEF.get()
            else "d'écran de la prise de rendez-vous en ligne"
        )
        what = f"Captures {what}" if several else f"Capture {what}"
        # A « série homogène » (R. 414-5 CJA) groups several documents; one capture is not one.
        series = ", série homogène" if several else ""
        label = f"{what}, {month_label(month)} ({count}, {_span(first, last)}){series}"
        drafts.append(_draft(label, "screenshots", group))
    return drafts


def _attempt_label(attempt: Attempt) -> str:
    day = french_date(_local_date(attempt))
    labels = {
        Channel.EMAIL: f"Courriel adressé au service des étrangers le {day}",
        Channel.LETTER: f"Lettre recommandée avec accusé de réception du {day} et preuve d'envoi",
        Channel.COUNTER: f"Attestation de témoin de la présentation au guichet le {day}",
        Channel.CCC: f"Demande au centre de contact citoyens (ANEF) du {day}",
        Channel.PAN: f"Visite au point d'accueil numérique de la préfecture le {day}",
        Channel.DDD: f"Saisine du Défenseur des droits du {day}",
        Channel.PHONE: f"Appel téléphonique à la préfecture du {day}",
        Channel.OTHER: f"Démarche auprès de la préfecture du {day}",
    }
    label = labels[Channel(attempt.channel)]
    detail = detail_of(attempt, cached_only=True)
    if detail is not None and detail.ticket:
        label += f" (ticket n° {detail.ticket})"
    label += _purpose(detail)
    if detail is not None and detail.witnessed and attempt.channel == Channel.PAN:
        label += ", en présence d'un témoin"
    if attempt.outcome == Outcome.ANSWERED:
        label += " et réponse reçue"
    if detail is not None and detail.certifies_impossibility:
        label += " attestant l'impossibilité de déposer en ligne"
    return label


_PURPOSES = {
    "substitute": ", demandant l'enregistrement de la demande par la solution de substitution",
    "attestation": ", demandant l'attestation de prolongation de l'instruction ou le récépissé",
}


def _purpose(detail: AttemptDetail | None) -> str:
    return _PURPOSES.get(detail.purpose, "") if detail is not None else ""


_RECEIPT_OUTCOMES = frozenset({Outcome.DELIVERED, Outcome.REFUSED, Outcome.NO_ANSWER})


def letter_receipts(attempts: Iterable[Attempt]) -> dict[int, Attempt]:
    """Receipt attempt id → the letter it belongs to.

    A registered letter is recorded as two attempts: the posting (``sent``), then what the avis
    de réception says (``delivered``, ``refused``…). Each result after a posting belongs to the
    latest posting not yet answered: one letter, one exhibit, one written request.
    """
    receipts: dict[int, Attempt] = {}
    waiting: list[Attempt] = []
    for attempt in sorted(attempts, key=lambda a: (a.at, a.pk or 0)):
        if attempt.channel != Channel.LETTER:
            continue
        if attempt.outcome == Outcome.SENT:
            waiting.append(attempt)
        elif attempt.outcome in _RECEIPT_OUTCOMES and waiting:
            receipts[attempt.pk] = waiting.pop()
    return receipts


def _letter_label(letter: Attempt, receipt: Attempt | None) -> str:
    """What the exhibit holds: the proof of posting, the avis de réception, or both."""
    sent = french_date(_local_date(letter))
    if not _proven(letter):
        assert receipt is not None
        return (
            f"Avis de réception du {french_date(_local_date(receipt))} de la lettre "
            f"recommandée avec accusé de réception du {sent}"
        ) + _purpose(detail_of(letter, cached_only=True))
    label = f"Lettre recommandée avec accusé de réception du {sent}, preuve d'envoi"
    label += _purpose(detail_of(letter, cached_only=True))
    if receipt is not None:
        label += f" et avis de réception du {french_date(_local_date(receipt))}"
    return label


def _per_attempt(attempts: Sequence[Attempt]) -> list[Exhibit]:
    drafts = []
    receipts = letter_receipts(attempts)
    answer = {letter.pk: receipt for receipt in attempts if (letter := receipts.get(receipt.pk))}
    for channel in _ONE_PER_ATTEMPT:
        for attempt in (a for a in attempts if a.channel == channel):
            if attempt.pk in receipts:
                continue  # drawn with its letter
            if channel == Channel.LETTER and attempt.outcome == Outcome.SENT:
                receipt = answer.get(attempt.pk)
                receipt = receipt if receipt is not None and _proven(receipt) else None
                group = [a for a in (attempt, receipt) if a is not None and _proven(a)]
                if group:
                    drafts.append(_draft(_letter_label(attempt, receipt), str(channel), group))
                continue
            if _proven(attempt):
                kind = _KIND.get(channel, str(channel))
                drafts.append(_draft(_attempt_label(attempt), kind, [attempt]))
    return drafts


def _identity(holder: str, renewal: bool, expires_on: datetime.date | None) -> list[Exhibit]:
    drafts = [_draft(f"Copie d'une pièce d'identité ({holder})", "identity")]
    if renewal:
        until = f", valable jusqu'au {french_date(expires_on)}" if expires_on else ""
        label = f"Copie du titre de séjour dont le renouvellement est demandé{until}"
        drafts.append(_draft(label, "residence_title"))
    drafts.append(_draft(f"Justificatif de domicile ({holder})", "address"))
    return drafts


def _channel(online: bool) -> list[Exhibit]:
    if _ANEF.get():
        label = (
            "Impression de la page internet de la préfecture ou de l'ANEF indiquant que la "
            "demande se dépose sur le téléservice"
        )
        return [_draft(label, "channel")]
    if not online:
        return []
    label = (
        "Impression de la page internet de la préfecture indiquant que les rendez-vous se "
        "prennent en ligne"
    )
    return [_draft(label, "channel")]


def _join(drafts: list[Exhibit], added: Sequence[AddedDocument]) -> list[Exhibit]:
    """Planned exhibits take the added documents of their kind; the others follow, one each."""
    joined = []
    for draft in drafts:
        mine = [d for d in added if _JOINS.get(d.kind) == draft.kind]
        ids = tuple(d.id for d in mine)
        labels = [d.label.strip() for d in mine if d.label.strip()]
        label = f"{draft.label} : {' ; '.join(labels)}" if labels else draft.label
        joined.append(
            Exhibit(0, label, draft.kind, draft.attempt_ids, draft.first, draft.last, ids)
        )
    planned = {draft.kind for draft in drafts}
    rest = [d for d in added if _JOINS.get(d.kind) not in planned]
    rest.sort(key=lambda d: _ADDED_ORDER.index(d.kind) if d.kind in _ADDED_ORDER else 99)
    joined += [Exhibit(0, added_label(d), d.kind, document_ids=(d.id,)) for d in rest]
    return joined


def _records(attempts: Sequence[Attempt]) -> list[Exhibit]:
    if not attempts:
        return []
    first, last = _local_date(attempts[0]), _local_date(attempts[-1])
    label = f"Relevé du journal des démarches, {_span(first, last)}"
    return [
        _draft(label, "journal", attempts),
        _draft("Frise chronologique des démarches", "timeline"),
    ]


def plan_exhibits(
    attempts: Sequence[Attempt],
    *,
    holder: str,
    renewal: bool,
    title_expires_on: datetime.date | None = None,
    online: bool | None = None,
    added: Sequence[AddedDocument] = (),
    zone: ZoneInfo = PARIS,
    proven: Collection[int] | None = None,
    anef: bool = False,
) -> list[Exhibit]:
    """Identity, title, address, booking rule (or the ANEF one), monthly screenshot series,
    written and in-person steps, journal, chart, then the other added documents (urgency
    first). Only the attempts in ``proven`` (a file proves them) get an exhibit of their own;
    ``None``: all of them."""
    token, proven_token, anef_token = _ZONE.set(zone), _PROVEN.set(proven), _ANEF.set(anef)
    try:
        return _plan(attempts, holder, renewal, title_expires_on, online, added)
    finally:
        _ZONE.reset(token)
        _PROVEN.reset(proven_token)
        _ANEF.reset(anef_token)


def _plan(
    attempts: Sequence[Attempt],
    holder: str,
    renewal: bool,
    title_expires_on: datetime.date | None,
    online: bool | None,
    added: Sequence[AddedDocument],
) -> list[Exhibit]:
    ordered = sorted(attempts, key=lambda a: (a.at, a.pk or 0))
    if online is None:
        online = any(a.channel == Channel.ONLINE for a in ordered)
    drafts = [
        *_identity(holder, renewal, title_expires_on),
        *_channel(online),
        *_online_months(ordered),
        *_per_attempt(ordered),
        *_records(ordered),
    ]
    return [
        Exhibit(number, d.label, d.kind, d.attempt_ids, d.first, d.last, d.document_ids)
        for number, d in enumerate(_join(drafts, added), start=1)
    ]


def proven_attempts(attempts: Sequence[Attempt]) -> set[int]:
    """The attempts a file proves (evidence states other than « déclarée sans justificatif »),
    but for those whose screenshot shows something else than the case and that no volunteer
    kept (``evidence.readings``): such a picture is never filed as proof."""
    proven = {pk for pk, evidence in evidence_of(attempts).items() if evidence.has_file}
    return proven - set(set_aside_attempts(proven))


def exhibits_for(case: Case) -> list[Exhibit]:
    attempts = list(case.attempts.select_related("detail"))
    return plan_exhibits(
        attempts,
        holder=f"{case.person.given_names or ''} {case.person.family_name.upper()}".strip(),
        renewal=case.procedure_kind == "renewal",
        title_expires_on=case.title_expires_on,
        online=case.booking_page_id is not None or any(a.channel == "online" for a in attempts),
        added=added_documents(case),
        zone=case.department.zone,
        proven=proven_attempts(attempts),
        anef=is_anef(case),
    )


PLANNED = frozenset({"identity", "residence_title", "address", "channel"})


def numbers_of(exhibits: Sequence[Exhibit], *kinds: str) -> list[int]:
    """The numbers of the exhibits of these kinds that hold something, in plan order: a planned
    exhibit whose document is not added yet is a placeholder page, and nothing cites it."""
    return [e.number for e in exhibits if e.kind in kinds and e.provided]


def to_add(exhibits: Sequence[Exhibit]) -> list[Exhibit]:
    """Planned exhibits whose document has not been added yet."""
    return [e for e in exhibits if e.kind in PLANNED and not e.provided]


def exhibit_of(exhibits: Sequence[Exhibit]) -> dict[int, int]:
    """Attempt id → the number of the exhibit proving it; the journal covers the rest."""
    numbers: dict[int, int] = {}
    for exhibit in exhibits:
        for attempt_id in exhibit.attempt_ids:
            # Specific exhibits come before the journal in the plan, so they win.
            numbers.setdefault(attempt_id, exhibit.number)
    return numbers
