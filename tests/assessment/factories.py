"""Builders for snapshots: attempts at Paris times, regular weekly series."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from creneau.assessment.facts import AttemptFact, CaseFacts

PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def attempt(
    when: datetime,
    channel: str = "online",
    outcome: str = "no_slot",
    evidence: str = "sealed",
    has_files: bool = True,
    state: str = "",
) -> AttemptFact:
    return AttemptFact(channel, when, outcome, evidence, has_files=has_files, state=state)


def weekly(
    start: date,
    weeks: int,
    days: tuple[int, ...] = (0, 2, 4),
    hours: tuple[int, ...] = (9, 14, 19),
    **kwargs: object,
) -> list[AttemptFact]:
    """Online attempts on the given weekdays of each week, cycling through the given hours."""
    result = []
    for week in range(weeks):
        for i, offset in enumerate(days):
            day = start + timedelta(weeks=week, days=offset)
            moment = at(day.year, day.month, day.day, hours[i % len(hours)], 7)
            result.append(attempt(moment, **kwargs))  # type: ignore[arg-type]
    return result


def facts(
    attempts: list[AttemptFact],
    kind: str = "renewal",
    today: date | None = None,
    **kwargs: object,
) -> CaseFacts:
    if today is None:
        last = max((a.at for a in attempts), default=at(2026, 3, 1))
        today = last.date() + timedelta(days=2)
    return CaseFacts(kind, today, tuple(attempts), **kwargs)  # type: ignore[arg-type]


# CE 10 juin 2020 n° 435594: four captures 13-18 Sept 2019, one registered letter, one e-mail.
CE_2020_ATTEMPTS = [
    *(attempt(at(2019, 9, day, 10), evidence="manual") for day in (13, 16, 17, 18)),
    attempt(at(2019, 9, 16, 11), channel="letter", outcome="delivered", evidence="manual"),
    attempt(at(2019, 9, 17, 11), channel="email", outcome="sent", evidence="manual"),
]
