"""When watches and evidence attempts should run, and whether a host's budget can serve them.

The window and time functions are pure: they take ``now`` and a random generator and return
times. ``active_cases`` and ``followed_pages`` say what the scheduler plans for;
``update_budget_status`` compares what the cases ask of each host with what its politeness
budget gives, so a shortfall is shown instead of silently starving cases.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, QuerySet

from creneau.assessment.thresholds import configured_thresholds
from creneau.cases.models import Case
from creneau.catalog.models import BookingPage
from creneau.observatory.advice import Advice
from creneau.scheduling import politeness
from creneau.scheduling.models import HostBudget
from creneau.watch.drivers import UnknownSystemError, driver_for

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOON = 12


# --- Humane windows (pure) ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Local hours ``[start, end)`` on some weekdays (0 = Monday)."""

    start: time
    end: time
    days: frozenset[int]

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        local = moment.astimezone(zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    @property
    def hours(self) -> list[int]:
        last = self.end.hour if self.end.minute == 0 else self.end.hour + 1
        return list(range(self.start.hour, last))

    @property
    def hours_per_day(self) -> float:
        start = self.start.hour * 60 + self.start.minute
        return (self.end.hour * 60 + self.end.minute - start) / 60


def parse_window(hours: str, days: str) -> Window:
    """``"08:00-19:00"`` and ``"mon-sat"`` (or ``"mon,wed,fri"``) into a :class:`Window`."""
    try:
        start_text, end_text = hours.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        chosen = _parse_days(days)
    except ValueError as exc:
        raise ImproperlyConfigured(f"bad humane window {hours!r} {days!r}: {exc}") from None
    if not start < end or not chosen:
        raise ImproperlyConfigured(f"empty humane window {hours!r} {days!r}")
    return Window(start, end, chosen)


def _parse_days(text: str) -> frozenset[int]:
    chosen: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        low, high = DAYS.index(first), DAYS.index(last or first)
        if high < low:
            raise ValueError(f"{part}: days go from Monday to Sunday")
        chosen.update(range(low, high + 1))
    return frozenset(chosen)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def next_window_start(after: datetime, window: Window, zone: ZoneInfo) -> datetime:
    """The first moment at or after ``after`` inside the window."""
    local = after.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in window.days:
            continue
        opening = datetime.combine(day, window.start, tzinfo=zone)
        closing = datetime.combine(day, window.end, tzinfo=zone)
        if local < closing:
            return max(opening, local)
    raise AssertionError("a window has at least one day a week")


# --- Planning (pure) ------------------------------------------------------------------------


def next_watch_at(
    now: datetime,
    window: Window,
    minutes: tuple[int, int],
    rng: random.Random,
    advice: Advice | None = None,
) -> datetime:
    """Every 15–30 minutes (jittered) inside the watch window; shortly after it opens otherwise.

    When the page's counts show when slots tend to appear (``advice``), the watch comes at the
    shortest configured interval during that hour, so slots are seen (and alerted) sooner: never
    closer than ``minutes[0]``, and every run still takes its politeness token.
    """
    candidate = now + timedelta(minutes=rng.uniform(*minutes))
    if advice is not None and advice.matches(now + timedelta(minutes=minutes[0])):
        candidate = now + timedelta(minutes=minutes[0])
    here = zone()
    if window.contains(candidate, here):
        return candidate
    opening = next_window_start(candidate, window, here)
    return opening + timedelta(minutes=rng.uniform(0, minutes[0]))


def evidence_per_week(configured: int, procedure_kind: str, window: Window) -> int:
    """Attempts a week: the configured number (default one a window day), never fewer than the
    guide's practice for the procedure (``practice.<kind>.per_week``), at most one a day."""
    floor = math.ceil(configured_thresholds().practice(procedure_kind).per_week)
    wanted = configured or len(window.days)
    return max(1, min(len(window.days), max(wanted, floor)))


def next_evidence_at(
    now: datetime,
    last_hour: int | None,
    window: Window,
    per_week: int,
    rng: random.Random,
    *,
    today_allowed: bool = False,
    advice: Advice | None = None,
) -> datetime:
    """A humane time for the next evidence attempt.

    The day: ``len(days) // per_week`` window days later (the next window day at one a day), so
    every ISO week gets attempts. The hour: in the other half of the day than the last attempt
    (morning ↔ afternoon), never the same hour twice in a row, minute at random — the guide
    advises trying at different hours, since slots are released at varying times. When the
    page's counts show an hour when slots tend to appear (``advice``) and that hour is allowed
    that day, the attempt goes there: it either finds slots the person can book, or shows that
    none were offered even then.
    """
    here = zone()
    day = _evidence_day(now.astimezone(here), window, per_week, today_allowed)
    hours = _candidate_hours(window, last_hour)
    if day == now.astimezone(here).date():
        hours = [h for h in hours if _at(day, h, 59, here) > now] or hours
    advised = advice.hour_in(day, here) if advice is not None else None
    hour = advised if advised is not None and advised in hours else rng.choice(hours)
    moment = _at(day, hour, rng.randrange(60), here)
    if moment <= now:  # today, in the current hour: a few minutes from now
        moment = now + timedelta(minutes=rng.uniform(1, 10))
    return moment


def _evidence_day(local: datetime, window: Window, per_week: int, today_allowed: bool) -> date:
    step = max(1, len(window.days) // max(1, per_week))
    day = local.date()
    if today_allowed and day.weekday() in window.days and local.time() < _last_start(window):
        return day
    while step:
        day += timedelta(days=1)
        if day.weekday() in window.days:
            step -= 1
    return day


def _last_start(window: Window) -> time:
    return time(window.hours[-1], 0)


def _candidate_hours(window: Window, last_hour: int | None) -> list[int]:
    hours = window.hours
    if last_hour is not None:
        other_half = [h for h in hours if (h < NOON) != (last_hour < NOON)]
        hours = other_half or [h for h in hours if h != last_hour] or hours
    return hours


# --- Configuration ---------------------------------------------------------------------------


def evidence_window() -> Window:
    return parse_window(settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS)


def watch_window() -> Window:
    return parse_window(settings.WATCH_HOURS, settings.WATCH_DAYS)


def watch_minutes() -> tuple[int, int]:
    low, _, high = settings.WATCH_MINUTES.partition("-")
    return int(low), int(high or low)


def mode_of(page: BookingPage) -> str:
    """The driver mode of a page: ``automatic``, ``assisted``, ``alert_only`` or ``none``."""
    try:
        return driver_for(page.system).mode
    except UnknownSystemError:
        return "none"


def active_cases() -> "QuerySet[Case]":
    return Case.objects.filter(status__in=Case.ACTIVE_STATUSES, booking_page__isnull=False)


def followed_pages() -> "QuerySet[BookingPage]":
    return BookingPage.objects.filter(Exists(active_cases().filter(booking_page=OuterRef("pk"))))


# --- Degradation status ----------------------------------------------------------------------


def update_budget_status(now: datetime) -> list[HostBudget]:
    """Per host: evidence runs wanted a week against runs the budget allows; flag shortfalls."""
    window, watched = evidence_window(), watch_window()
    demand: dict[str, int] = defaultdict(int)
    watches: dict[str, int] = defaultdict(int)
    paused = active_cases().filter(evidence_schedule__paused_at__isnull=False)
    for case in active_cases().exclude(pk__in=paused).select_related("booking_page"):
        assert case.booking_page is not None
        host = politeness.host_of(case.booking_page.url)
        demand[host] += evidence_per_week(settings.EVIDENCE_PER_WEEK, case.procedure_kind, window)
    low, high = watch_minutes()
    per_watch = int(watched.hours_per_day * 60 / ((low + high) / 2)) * len(watched.days)
    for page in followed_pages():
        if mode_of(page) == "automatic":
            watches[politeness.host_of(page.url)] += per_watch
    return [
        _store_status(host, wanted, watches[host], window, now) for host, wanted in demand.items()
    ]


def _store_status(
    host: str, wanted: int, watch_runs: int, window: Window, now: datetime
) -> HostBudget:
    budget = politeness.budget_for(host, now)
    total = politeness.runs_per_week(
        politeness.refill_of(budget), window.hours_per_day, len(window.days)
    )
    supply = max(0, total - watch_runs)
    degraded = wanted > supply
    since = (budget.degraded_since or now) if degraded else None
    HostBudget.objects.filter(pk=budget.pk).update(
        demand_per_week=wanted, supply_per_week=supply, degraded_since=since
    )
    budget.demand_per_week, budget.supply_per_week, budget.degraded_since = wanted, supply, since
    return budget
