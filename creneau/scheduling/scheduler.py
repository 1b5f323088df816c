"""The scheduler: turns database state into due work, never twice.

``tick(now)`` is one pass; ``creneau scheduler`` calls it in a loop. Each pass:

1. creates the missing schedule rows (one ``PageWatch`` per followed page, one
   ``EvidenceSchedule`` per active case);
2. claims due periodic jobs (sealing captures that wait for a timestamp, budget status);
3. claims due slot watches, then due evidence attempts, least recently attempted first, no more
   per host than its politeness budget can serve now;
4. hands each claim to ``dispatch`` (by default: enqueue the django-tasks task).

A claim is a conditional UPDATE that must affect exactly one row (``claimed_until`` in the past
and ``next_run_at`` due), so several schedulers on several hosts never double-fire. A claim is a
lease: a worker killed mid-run leaves the row claimed until the lease ends, then it is due again
(django-tasks-db never re-runs a task left RUNNING by a dead worker).

The planning functions are pure: they take ``now`` and a random generator and return times.
"""

import math
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from creneau.assessment.thresholds import configured_thresholds
from creneau.cases.models import Case
from creneau.catalog.models import BookingPage
from creneau.scheduling import politeness
from creneau.scheduling.models import (
    Claimable,
    EvidenceSchedule,
    HostBudget,
    PageWatch,
    PeriodicJob,
)
from creneau.watch.drivers import UnknownSystemError, driver_for

# Cases still gathering proof (or proving that an injunction is not executed).
ACTIVE_STATUSES = ("gathering", "ready", "filed", "injunction")
LEASE = timedelta(minutes=15)
ASSISTED_LEASE = timedelta(minutes=30)
CLAIM_BATCH_SLACK = 20  # due rows read beyond the tokens, for claims lost to other schedulers
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOON = 12

C = TypeVar("C", bound=Claimable)
WorkKind = Literal["watch", "evidence", "assisted", "job"]


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


def _zone() -> ZoneInfo:
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
    now: datetime, window: Window, minutes: tuple[int, int], rng: random.Random
) -> datetime:
    """Every 15–30 minutes (jittered) inside the watch window; shortly after it opens otherwise."""
    candidate = now + timedelta(minutes=rng.uniform(*minutes))
    zone = _zone()
    if window.contains(candidate, zone):
        return candidate
    opening = next_window_start(candidate, window, zone)
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
) -> datetime:
    """A humane time for the next evidence attempt.

    The day: ``len(days) // per_week`` window days later (the next window day at one a day), so
    every ISO week gets attempts. The hour: in the other half of the day than the last attempt
    (morning ↔ afternoon), never the same hour twice in a row, minute at random — the guide
    advises trying at different hours, since slots are released at varying times.
    """
    zone = _zone()
    day = _evidence_day(now.astimezone(zone), window, per_week, today_allowed)
    hours = _candidate_hours(window, last_hour)
    if day == now.astimezone(zone).date():
        hours = [h for h in hours if _at(day, h, 59, zone) > now] or hours
    hour = rng.choice(hours)
    moment = _at(day, hour, rng.randrange(60), zone)
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


# --- Claims ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    kind: WorkKind
    row_id: int
    claim: str
    target_id: int | str  # page id, case id or job name


def claim(model: type[Claimable], row_id: int, now: datetime, lease: timedelta = LEASE) -> str:
    """Claim one due row; the token, or "" when someone else has it (exactly-one-row UPDATE)."""
    token = uuid.uuid4().hex
    updated = (
        model._default_manager.filter(pk=row_id, next_run_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease, claim=token)
    )
    return token if updated == 1 else ""


def finish(
    model: type[Claimable],
    row_id: int,
    token: str,
    next_run_at: datetime,
    outcome: str,
    now: datetime,
    **extra: object,
) -> bool:
    """Release a claim after a run; False if the lease was lost (someone re-claimed the row)."""
    updated = model._default_manager.filter(pk=row_id, claim=token).update(
        next_run_at=next_run_at,
        claimed_until=None,
        claim="",
        last_run_at=now,
        last_outcome=outcome,
        runs=F("runs") + 1,
        **extra,
    )
    return updated == 1


def defer(model: type[Claimable], row_id: int, token: str, retry_at: datetime) -> bool:
    """Release a claim without a run (the budget said "later")."""
    updated = model._default_manager.filter(pk=row_id, claim=token).update(
        next_run_at=retry_at, claimed_until=None, claim=""
    )
    return updated == 1


def holds(model: type[Claimable], row_id: int, token: str) -> bool:
    return model._default_manager.filter(pk=row_id, claim=token).exists()


# --- One pass --------------------------------------------------------------------------------


Dispatch = Callable[[Work], None]
Pages = Sequence[tuple[int, str]]  # (page id, url) of the followed pages


@dataclass
class TickReport:
    created: int = 0
    claimed: list[Work] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        counts: dict[str, int] = defaultdict(int)
        for work in self.claimed:
            counts[work.kind] += 1
        return {"created": self.created, "claimed": dict(counts)}


def tick(
    now: datetime | None = None,
    dispatch: Dispatch | None = None,
    rng: random.Random | None = None,
) -> TickReport:
    """One scheduler pass (see the module docstring for the steps)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    send = dispatch or enqueue
    report = TickReport()
    report.created = ensure_schedules(now, rng)  # (1)
    report.claimed += claim_jobs(now)  # (2)
    budgets: dict[str, int] = {}  # whole tokens left per host during this pass
    pages = list(followed_pages().values_list("pk", "url"))
    report.claimed += claim_watches(now, pages, budgets)  # (3)
    report.claimed += claim_evidence(now, pages, budgets)
    for work in report.claimed:  # (4)
        send(work)
    return report


def enqueue(work: Work) -> None:
    from creneau.scheduling import tasks  # the tasks import this module

    task = {
        "watch": tasks.run_watch,
        "evidence": tasks.run_evidence_attempt,
        "assisted": tasks.send_assisted_reminder,
        "job": tasks.run_job,
    }[work.kind]
    task.enqueue(work.row_id, work.claim)


def active_cases() -> "QuerySet[Case]":
    return Case.objects.filter(status__in=ACTIVE_STATUSES, booking_page__isnull=False)


def followed_pages() -> "QuerySet[BookingPage]":
    return BookingPage.objects.filter(Exists(active_cases().filter(booking_page=OuterRef("pk"))))


def ensure_schedules(now: datetime, rng: random.Random) -> int:
    """Create the watch and evidence rows that are missing; returns how many."""
    created = 0
    for page in followed_pages().filter(watcher__isnull=True):
        if mode_of(page) == "automatic":
            PageWatch.objects.get_or_create(page=page, defaults={"next_run_at": now})
            created += 1
    window = evidence_window()
    for case in (
        active_cases().filter(evidence_schedule__isnull=True).select_related("booking_page")
    ):
        assert case.booking_page is not None
        if mode_of(case.booking_page) in {"automatic", "assisted"}:
            per_week = evidence_per_week(settings.EVIDENCE_PER_WEEK, case.procedure_kind, window)
            first = next_evidence_at(now, None, window, per_week, rng, today_allowed=True)
            EvidenceSchedule.objects.get_or_create(case=case, defaults={"next_run_at": first})
            created += 1
    return created


JOBS: dict[str, timedelta] = {
    "seal_pending": timedelta(minutes=10),
    "assisted_sweep": timedelta(minutes=2),
    "budget_status": timedelta(hours=1),
    "mail_drafts": timedelta(hours=1),
    "anchor_journals": timedelta(days=1),
    "refresh_assessments": timedelta(days=1),
    "purge": timedelta(days=1),
}


def claim_jobs(now: datetime) -> list[Work]:
    known = set(PeriodicJob.objects.values_list("name", flat=True))
    for name in JOBS.keys() - known:
        PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
    claimed = []
    for job_id, name in _due(PeriodicJob, now).values_list("pk", "name"):
        token = claim(PeriodicJob, job_id, now)
        if token and name in JOBS:
            claimed.append(Work("job", job_id, token, name))
    return claimed


def _due(model: type[C], now: datetime) -> "QuerySet[C]":
    return model._default_manager.filter(next_run_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim_watches(now: datetime, pages: Pages, budgets: dict[str, int]) -> list[Work]:
    """Due watchers of followed pages, inside the watch window, one budget token each."""
    if not watch_window().contains(now, _zone()):
        return []
    open_pages = _pages_with_tokens(now, pages, budgets)
    due = _due(PageWatch, now).filter(page__in=open_pages).select_related("page")
    rows = [(politeness.host_of(row.page.url), row) for row in due.order_by("next_run_at")]
    return [
        Work("watch", row.pk, token, row.page_id)
        for row, token in _claim_within_budget(PageWatch, rows, now, LEASE, budgets)
    ]


def claim_evidence(now: datetime, pages: Pages, budgets: dict[str, int]) -> list[Work]:
    """Due evidence attempts, least recently attempted first, within each host's budget.

    When a host's budget cannot serve every case, the due rows pile up and this order serves
    them round-robin: each case waits its turn, none is starved (docs/deployment.md).
    """
    zone = _zone()
    if not evidence_window().contains(now, zone):
        return []
    open_pages = _pages_with_tokens(now, pages, budgets)
    if not open_pages:
        return []
    hour = now.astimezone(zone).hour
    due = (
        _due(EvidenceSchedule, now)
        .filter(case__status__in=ACTIVE_STATUSES, case__booking_page__in=open_pages)
        .exclude(last_hour=hour)  # never the same hour twice in a row
        .select_related("case__booking_page")
        .order_by(F("last_run_at").asc(nulls_first=True), "next_run_at")
    )
    batch = CLAIM_BATCH_SLACK + 2 * sum(v for v in budgets.values() if v > 0)
    rows = [(_case_host(row.case), row) for row in due[:batch]]
    claimed = []
    for row, token in _claim_within_budget(EvidenceSchedule, rows, now, LEASE, budgets):
        assert row.case.booking_page is not None
        kind: WorkKind = "assisted" if mode_of(row.case.booking_page) == "assisted" else "evidence"
        claimed.append(Work(kind, row.pk, token, row.case_id))
    return claimed


def _pages_with_tokens(now: datetime, pages: Pages, budgets: dict[str, int]) -> list[int]:
    """Followed pages whose host may still be visited in this pass (fills ``budgets``)."""
    found = []
    for pk, url in pages:
        host = politeness.host_of(url)
        if host not in budgets:
            budgets[host] = politeness.available(host, now)
        if budgets[host] > 0:
            found.append(pk)
    return found


def _case_host(case: Case) -> str:
    assert case.booking_page is not None
    return politeness.host_of(case.booking_page.url)


def _claim_within_budget(
    model: type[C],
    rows: Sequence[tuple[str, C]],
    now: datetime,
    lease: timedelta,
    left: dict[str, int],
) -> Iterable[tuple[C, str]]:
    """Claim rows in order while their host has tokens left (``left`` is shared by the pass:
    watches and evidence runs count alike)."""
    for host, row in rows:
        if left.get(host, 0) <= 0:
            continue
        token = claim(model, row.pk, now, lease)
        if token:
            left[host] -= 1
            yield row, token


# --- Degradation status ----------------------------------------------------------------------


def update_budget_status(now: datetime) -> list[HostBudget]:
    """Per host: evidence runs wanted a week against runs the budget allows; flag shortfalls."""
    window, watched = evidence_window(), watch_window()
    demand: dict[str, int] = defaultdict(int)
    watches: dict[str, int] = defaultdict(int)
    for case in active_cases().select_related("booking_page"):
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
