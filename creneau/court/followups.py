"""After filing: case status, deadlines and what to do next, computed from the court events.

Pure functions of the events (and today's date), so the rules read and test on their own:

* an injunction must be executed within its delay from notification; when the delay has passed
  without an appointment, the execution request (L. 911-4 CJA; « sans délai » for an urgent
  measure, at the end of the delay when the order fixed one, R. 921-1-1) is proposed;
* a rejection (ordonnance de tri or after a hearing) can only be challenged in cassation within
  15 days of notification (L. 523-1, R. 523-1 CJA; an avocat au Conseil d'État in practice);
  a new requête carrying the evidence gathered since, and answering the reasons, is proposed.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from creneau.cases.models import Case, CourtEvent
from creneau.catalog.legal import citation
from creneau.documents.injunction import SETTLING

Kind = CourtEvent.Kind
CASSATION_DAYS = 15  # R. 523-1 CJA
_STATUS = {
    Kind.FILED: Case.Status.FILED,
    Kind.INJUNCTION: Case.Status.INJUNCTION,
    Kind.APPOINTMENT_OFFERED: Case.Status.APPOINTMENT,
    Kind.NON_LIEU: Case.Status.APPOINTMENT,  # a non-lieu follows an appointment given in time
    Kind.TRI: Case.Status.GATHERING,  # gather more, then a new requête
    Kind.REJECTED: Case.Status.GATHERING,
    Kind.CLOSED: Case.Status.CLOSED,
}
_DECISIONS = {Kind.TRI, Kind.REJECTED, Kind.INJUNCTION, Kind.NON_LIEU}


def status_after(events: Sequence[CourtEvent], current: str) -> str:
    """The case status the latest status-bearing event implies."""
    for event in reversed(events):
        if event.kind in _STATUS:
            return _STATUS[Kind(event.kind)]
    return current


@dataclass(frozen=True)
class Deadline:
    key: str  # stable within the event, for the calendar UID
    event_id: int
    title: str  # French, for the page and the calendar
    due: datetime.date
    detail: str

    def passed(self, today: datetime.date) -> bool:
        return today > self.due


def _start(event: CourtEvent) -> tuple[datetime.date, str]:
    if event.notified_on:
        return event.notified_on, ""
    return event.occurred_on, " (date de notification inconnue : compté depuis l'ordonnance)"


def _days(count: int) -> str:
    return f"{count} jour" if count == 1 else f"{count} jours"


def deadlines(events: Sequence[CourtEvent]) -> list[Deadline]:
    found = []
    for event in events:
        number = f" n° {event.court_number}" if event.court_number else ""
        if event.kind == Kind.INJUNCTION and event.deadline_days:
            start, note = _start(event)
            found.append(
                Deadline(
                    "execution",
                    event.pk,
                    f"Fin du délai d'exécution de l'ordonnance{number}",
                    start + datetime.timedelta(days=event.deadline_days),
                    f"{_days(event.deadline_days)} à compter de la notification{note}. Sans "
                    f"rendez-vous à cette date : demande d'exécution ({citation('cja_l911_4')}).",
                )
            )
        elif event.kind in (Kind.TRI, Kind.REJECTED):
            start, note = _start(event)
            found.append(
                Deadline(
                    "cassation",
                    event.pk,
                    f"Fin du délai de pourvoi en cassation contre l'ordonnance{number}",
                    start + datetime.timedelta(days=CASSATION_DAYS),
                    f"Ordonnance rendue en dernier ressort ({citation('cja_l523_1')}) : pas "
                    f"d'appel, seulement un pourvoi en cassation devant le Conseil d'État, dans "
                    f"les {_days(CASSATION_DAYS)} de la notification{note} "
                    f"({citation('cja_r523_1')}), en pratique par un avocat au Conseil.",
                )
            )
        elif event.kind == Kind.HEARING:
            found.append(
                Deadline("hearing", event.pk, "Audience au tribunal", event.occurred_on, "")
            )
    return sorted(found, key=lambda d: d.due)


@dataclass(frozen=True)
class Proposal:
    kind: str  # execution, requete
    title: str
    options: dict[str, Any]


def proposals(events: Sequence[CourtEvent], today: datetime.date) -> list[Proposal]:
    """What to do next: the execution request, or a new requête after a rejection."""
    decisions = [e for e in events if e.kind in _DECISIONS]
    if not decisions:
        return []
    last = decisions[-1]
    later = [e for e in events if _after(e, last)]
    if last.kind == Kind.INJUNCTION and not any(e.kind in SETTLING for e in later):
        return _execution(events, last, today)
    if last.kind in (Kind.TRI, Kind.REJECTED):
        options = {
            "previous_rejection_date": last.occurred_on.isoformat(),
            "previous_rejection_number": last.court_number,
            "previous_rejection_reasons": last.text,
        }
        return [Proposal("requete", "Nouvelle requête, avec les preuves réunies depuis", options)]
    return []


def _after(event: CourtEvent, decision: CourtEvent) -> bool:
    return (event.occurred_on, event.pk) > (decision.occurred_on, decision.pk)


def _execution(
    events: Sequence[CourtEvent], injunction: CourtEvent, today: datetime.date
) -> list[Proposal]:
    due = [d for d in deadlines(events) if d.event_id == injunction.pk and d.key == "execution"]
    if not due or not due[0].passed(today):
        return []
    options: dict[str, Any] = {
        "ordonnance_date": injunction.occurred_on.isoformat(),
        "ordonnance_number": injunction.court_number,
        "deadline_days": injunction.deadline_days,
    }
    if injunction.notified_on:
        options["notified_on"] = injunction.notified_on.isoformat()
    if injunction.astreinte is not None:
        options["astreinte"] = injunction.astreinte
    return [Proposal("execution", "Demande d'exécution de l'ordonnance", options)]
