"""The injunction a case obtained, as recorded at court, and what settled it since.

Read by the execution request (which waits for its time limit) and by the requête (which must
not be filed again while an order is waiting to be executed).
"""

import datetime
from dataclasses import dataclass

from creneau.cases.models import Case, CourtEvent


@dataclass(frozen=True)
class Injunction:
    """An order enjoining the prefect, as recorded at court."""

    on: datetime.date
    number: str = ""
    deadline_days: int | None = None
    notified_on: datetime.date | None = None
    astreinte: int | None = None
    settled_on: datetime.date | None = None  # an appointment offered (or non-lieu) after it

    @property
    def start(self) -> datetime.date:
        return self.notified_on or self.on

    @property
    def last_day(self) -> datetime.date | None:
        """The last day the prefect has; ``None`` when the order fixed no time limit."""
        if not self.deadline_days:
            return None
        return self.start + datetime.timedelta(days=self.deadline_days)


# What ends an injunction's wait: the prefect offered an appointment, or the case is over.
SETTLING = frozenset({CourtEvent.Kind.APPOINTMENT_OFFERED, CourtEvent.Kind.NON_LIEU})
SETTLING |= {CourtEvent.Kind.CLOSED}


def recorded_injunction(case: Case) -> Injunction | None:
    """The case's latest injunction recorded at court, with what settled it since."""
    events = list(CourtEvent.objects.filter(case=case).order_by("occurred_on", "id"))
    injunctions = [e for e in events if e.kind == CourtEvent.Kind.INJUNCTION]
    if not injunctions:
        return None
    last = injunctions[-1]
    later = [e for e in events if (e.occurred_on, e.pk) > (last.occurred_on, last.pk)]
    settled = [e.occurred_on for e in later if e.kind in SETTLING]
    return Injunction(
        on=last.occurred_on,
        number=last.court_number,
        deadline_days=last.deadline_days,
        notified_on=last.notified_on,
        astreinte=last.astreinte,
        settled_on=settled[0] if settled else None,
    )
