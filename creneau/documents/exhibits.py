"""The inventaire des pièces: which exhibits a requête lists, in which order, numbered.

R. 412-2 CJA wants every exhibit numbered continuously with an explicit label; since 2021
Télérecours wants one exhibit per file, except a « série homogène » (legal.md §4.2), so online
screenshots are grouped one exhibit per calendar month. ``plan_exhibits`` is pure (it reads only
attribute values); the bundle builder turns each ``Exhibit`` into a file named ``filename_stem``.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from creneau.cases.models import Attempt, Case, Channel, Outcome
from creneau.documents.french import french_date, month_label, paris

# Online attempts that show the booking page refusing an appointment. CAPTCHA, UNKNOWN and
# SLOTS_AVAILABLE prove nothing of the kind and never appear as « tentatives infructueuses ».
FRUITLESS_ONLINE = frozenset({Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.QUEUE})
# One exhibit per attempt for written and in-person steps, in this order.
_ONE_PER_ATTEMPT = (Channel.EMAIL, Channel.LETTER, Channel.COUNTER, Channel.CCC, Channel.DDD)
_FILENAME_MAX = 80  # Télérecours naming rule, applied to Télérecours citoyens too (legal.md §4.2)


@dataclass(frozen=True)
class Exhibit:
    number: int
    label: str
    kind: str  # identity, residence_title, screenshots, email, letter, counter, ccc, ddd, journal…
    attempt_ids: tuple[int, ...] = ()
    first: datetime.date | None = None
    last: datetime.date | None = None

    @property
    def filename_stem(self) -> str:
        """« 03_Captures_d_ecran_de_la_prise_de_rendez_vous… », no accents, dots or spaces."""
        ascii_label = unicodedata.normalize("NFKD", self.label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "_", ascii_label).strip("_")
        return f"{self.number:02d}_{slug}"[:_FILENAME_MAX].rstrip("_")


def is_listed(attempt: Attempt) -> bool:
    """Whether a document lists this attempt as a step taken in vain."""
    return attempt.channel != Channel.ONLINE or attempt.outcome in FRUITLESS_ONLINE


def _local_date(attempt: Attempt) -> datetime.date:
    return paris(attempt.at).date()


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
    online = [a for a in attempts if a.channel == Channel.ONLINE and is_listed(a)]
    months = groupby(online, key=lambda a: _local_date(a).replace(day=1))
    drafts = []
    for month, grouped in months:
        group = list(grouped)
        first, last = _local_date(group[0]), _local_date(group[-1])
        count = f"{len(group)} tentative{'s' if len(group) > 1 else ''}"
        label = (
            f"Captures d'écran de la prise de rendez-vous en ligne, {month_label(month)} "
            f"({count}, {_span(first, last)}), série homogène"
        )
        drafts.append(_draft(label, "screenshots", group))
    return drafts


def _attempt_label(attempt: Attempt) -> str:
    day = french_date(_local_date(attempt))
    labels = {
        Channel.EMAIL: f"Courriel adressé au service des étrangers le {day}",
        Channel.LETTER: f"Lettre recommandée avec accusé de réception du {day} et preuve d'envoi",
        Channel.COUNTER: f"Attestation de témoin de la présentation au guichet le {day}",
        Channel.CCC: f"Demande au centre de contact citoyen de l'ANEF du {day}",
        Channel.DDD: f"Saisine du Défenseur des droits du {day}",
    }
    label = labels[Channel(attempt.channel)]
    if attempt.outcome == Outcome.ANSWERED:
        label += " et réponse reçue"
    return label


def _per_attempt(attempts: Sequence[Attempt]) -> list[Exhibit]:
    drafts = []
    for channel in _ONE_PER_ATTEMPT:
        for attempt in (a for a in attempts if a.channel == channel):
            drafts.append(_draft(_attempt_label(attempt), str(channel), [attempt]))
    return drafts


def _identity(holder: str, renewal: bool, expires_on: datetime.date | None) -> list[Exhibit]:
    drafts = [_draft(f"Copie d'une pièce d'identité ({holder})", "identity")]
    if renewal:
        until = f", valable jusqu'au {french_date(expires_on)}" if expires_on else ""
        label = f"Copie du titre de séjour dont le renouvellement est demandé{until}"
        drafts.append(_draft(label, "residence_title"))
    return drafts


def _records(attempts: Sequence[Attempt]) -> list[Exhibit]:
    if not attempts:
        return []
    first, last = _local_date(attempts[0]), _local_date(attempts[-1])
    label = f"Relevé du journal horodaté des tentatives, {_span(first, last)}"
    return [
        _draft(label, "journal", attempts),
        _draft("Frise chronologique des tentatives", "timeline"),
    ]


def plan_exhibits(
    attempts: Sequence[Attempt],
    *,
    holder: str,
    renewal: bool,
    title_expires_on: datetime.date | None = None,
) -> list[Exhibit]:
    """Identity, title, monthly screenshot series, written and in-person steps, journal, chart."""
    ordered = sorted(attempts, key=lambda a: (a.at, a.pk or 0))
    drafts = [
        *_identity(holder, renewal, title_expires_on),
        *_online_months(ordered),
        *_per_attempt(ordered),
        *_records(ordered),
    ]
    return [
        Exhibit(number, d.label, d.kind, d.attempt_ids, d.first, d.last)
        for number, d in enumerate(drafts, start=1)
    ]


def exhibits_for(case: Case) -> list[Exhibit]:
    return plan_exhibits(
        list(case.attempts.all()),
        holder=f"{case.person.given_names or ''} {case.person.family_name.upper()}".strip(),
        renewal=case.procedure_kind == "renewal",
        title_expires_on=case.title_expires_on,
    )


def exhibit_of(exhibits: Sequence[Exhibit]) -> dict[int, int]:
    """Attempt id → the number of the exhibit proving it; the journal covers the rest."""
    numbers: dict[int, int] = {}
    for exhibit in exhibits:
        for attempt_id in exhibit.attempt_ids:
            # Specific exhibits come before the journal in the plan, so they win.
            numbers.setdefault(attempt_id, exhibit.number)
    return numbers
