"""When slots tend to appear on a page, read from its watcher's counts.

Over the last ``WEEKS`` weeks, advice is given only when slots were seen on at least
``MIN_SLOT_CHECKS`` checks, in at least two different weeks, and when at least half of those
checks fall on one weekday at one hour (« souvent le lundi vers 9 h »); else at one hour of any
day (« souvent vers 9 h »); else on one weekday (« souvent le lundi »). Otherwise there is no
advice: no pattern is claimed where the counts show none. Hours are the page's local hours.

The volunteer sees it on the case page; ``scheduling.planning`` uses it to place watches and
evidence attempts (never more runs than the politeness budget grants).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creneau.cases.access import preloaded
from creneau.catalog.models import BookingPage
from creneau.observatory.models import CheckHour, Episode, ObservedPage

WEEKS = 12
MIN_SLOT_CHECKS = 3
SHARE = 0.5
WEEKDAYS = (
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
)


@dataclass(frozen=True)
class Advice:
    weekday: int | None  # 0 = Monday
    hour: int | None  # the page's local hour
    matching: int  # checks with slots on that weekday / at that hour
    slot_checks: int  # checks with slots over the period
    checks: int  # every check over the period
    since: str  # ISO date: first day of the period
    time_zone: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Advice | None":
        try:
            return cls(**data)
        except TypeError:
            return None

    @property
    def when(self) -> str:
        """« le lundi vers 9 h », « vers 9 h », « le lundi »."""
        day = _("le %(day)s") % {"day": WEEKDAYS[self.weekday]} if self.weekday is not None else ""
        hour = _("vers %(hour)s h") % {"hour": self.hour} if self.hour is not None else ""
        return " ".join(part for part in (day, hour) if part)

    def text(self) -> str:
        return _(
            "Créneaux vus surtout %(when)s : %(matching)s relevés sur %(slots)s avec créneaux "
            "(%(checks)s relevés depuis le %(since)s)."
        ) % {
            "when": self.when,
            "matching": self.matching,
            "slots": self.slot_checks,
            "checks": self.checks,
            "since": date.fromisoformat(self.since).strftime("%d/%m/%Y"),
        }

    def matches(self, moment: datetime) -> bool:
        """Whether ``moment`` falls on the advised weekday and hour (page local time)."""
        local = moment.astimezone(ZoneInfo(self.time_zone))
        return (self.weekday is None or local.weekday() == self.weekday) and (
            self.hour is None or local.hour == self.hour
        )

    def hour_in(self, day: date, zone: ZoneInfo) -> int | None:
        """The advised hour expressed in ``zone`` on ``day``, or None (no hour, other weekday)."""
        if self.hour is None or (self.weekday is not None and day.weekday() != self.weekday):
            return None
        local = datetime(day.year, day.month, day.day, self.hour, tzinfo=ZoneInfo(self.time_zone))
        moved = local.astimezone(zone)
        return moved.hour if moved.date() == day else None


Cell = tuple[date, int, int, int]  # (local day, local hour, checks, checks with slots)


def compute(cells: Iterable[Cell], since: date, time_zone: str) -> Advice | None:
    """Pure: the advice the counts support, or None."""
    rows = list(cells)
    slots = sum(row[3] for row in rows)
    weeks = {row[0].isocalendar()[:2] for row in rows if row[3]}
    if slots < MIN_SLOT_CHECKS or len(weeks) < 2:
        return None
    both: Counter[tuple[int | None, int | None]] = Counter()
    hours: Counter[tuple[int | None, int | None]] = Counter()
    days: Counter[tuple[int | None, int | None]] = Counter()
    for day, hour, _checks, with_slots in rows:
        both[(day.weekday(), hour)] += with_slots
        hours[(None, hour)] += with_slots
        days[(day.weekday(), None)] += with_slots
    checks = sum(row[2] for row in rows)
    for counter in (both, hours, days):
        (weekday, at_hour), matching = counter.most_common(1)[0]
        if matching >= SHARE * slots:
            return Advice(weekday, at_hour, matching, slots, checks, since.isoformat(), time_zone)
    return None


def refresh(row: ObservedPage, now: datetime | None = None) -> Advice | None:
    """Recompute and store the advice of a page (the scheduler's observatory job)."""
    now = now or timezone.now()
    since = now.astimezone(ZoneInfo(row.time_zone)).date() - timedelta(weeks=WEEKS)
    cells = CheckHour.objects.filter(observed=row, day__gte=since).values_list(
        "day", "hour", "checks", "slots_available"
    )
    found = compute(cells, since, row.time_zone)
    row.advice = found.as_dict() if found else {}
    row.advice_at = now
    row.save(update_fields=["advice", "advice_at"])
    return found


def stored(page: BookingPage | None) -> Advice | None:
    """The page's last computed advice (one row read: planning calls this at every run)."""
    if page is None:
        return None
    data = ObservedPage.objects.filter(page=page).values_list("advice", flat=True).first()
    return Advice.from_dict(data) if data else None


@dataclass(frozen=True)
class Watched:
    """What the page's watcher saw lately, for the case page."""

    checks: int
    slot_checks: int
    since: date
    last_slots: datetime | None
    advice: Advice | None


def watched(page: BookingPage | None, now: datetime | None = None) -> Watched | None:
    if page is None:
        return None
    loaded, row = preloaded(page, "observed")  # with the case (the case page)
    if not loaded:
        row = ObservedPage.objects.filter(page=page).first()
    if row is None:
        return None
    now = now or timezone.now()
    since = now.astimezone(ZoneInfo(row.time_zone)).date() - timedelta(weeks=WEEKS)
    counts = CheckHour.objects.filter(observed=row, day__gte=since).values_list(
        "checks", "slots_available"
    )
    last = Episode.objects.filter(observed=row).order_by("-last_seen").first()
    return Watched(
        checks=sum(c for c, _s in counts),
        slot_checks=sum(s for _c, s in counts),
        since=since,
        last_slots=last.last_seen if last else None,
        advice=Advice.from_dict(row.advice) if row.advice else None,
    )
