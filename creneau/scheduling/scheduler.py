"""The scheduler: turns database state into due work, never twice.

``tick(now)`` is one pass; ``creneau scheduler`` calls it in a loop. Each pass:

1. creates the missing schedule rows (one ``PageWatch`` per followed page, one
   ``EvidenceSchedule`` per active case);
2. claims due periodic jobs (sealing captures that wait for a timestamp, budget status);
3. claims due slot watches, then due evidence attempts, least recently attempted first, no more
   per host than its politeness budget can serve now;
4. hands each claim to ``dispatch`` (``tasks.enqueue`` in production: a django-tasks task).

A claim is a conditional UPDATE that must affect exactly one row (``claimed_until`` in the past
and ``next_run_at`` due), so several schedulers on several hosts never double-fire. A claim is a
lease: a worker killed mid-run leaves the row claimed until the lease ends, then it is due again
(django-tasks-db never re-runs a task left RUNNING by a dead worker).

When to run is planned by ``planning``; the periodic jobs and their intervals are ``jobs.JOBS``.
"""

import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from creneau.cases.models import Case
from creneau.scheduling import politeness
from creneau.scheduling.jobs import JOBS
from creneau.scheduling.models import (
    Claimable,
    EvidenceSchedule,
    PageWatch,
    PeriodicJob,
)
from creneau.scheduling.planning import (
    active_cases,
    evidence_per_week,
    evidence_window,
    followed_pages,
    mode_of,
    next_evidence_at,
    watch_window,
    zone,
)

LEASE = timedelta(minutes=15)
ASSISTED_LEASE = timedelta(minutes=30)
CLAIM_BATCH_SLACK = 20  # due rows read beyond the tokens, for claims lost to other schedulers

C = TypeVar("C", bound=Claimable)
WorkKind = Literal["watch", "evidence", "assisted", "job"]


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
    *,
    dispatch: Dispatch,
    rng: random.Random | None = None,
) -> TickReport:
    """One scheduler pass (see the module docstring for the steps)."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    send = dispatch
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


def ensure_schedules(now: datetime, rng: random.Random) -> int:
    """Create the watch and evidence rows that are missing; returns how many."""
    created = 0
    for page in followed_pages().filter(watcher__isnull=True):
        if mode_of(page) == "automatic":
            PageWatch.objects.get_or_create(page=page, defaults={"next_run_at": now})
            created += 1
    for case in (
        active_cases().filter(evidence_schedule__isnull=True).select_related("booking_page")
    ):
        created += ensure_case_schedule(case, now, rng) is not None
    return created


def ensure_case_schedule(
    case: Case, now: datetime, rng: random.Random | None = None
) -> EvidenceSchedule | None:
    """The case's evidence schedule, created with its first humane time if it is due one (an
    active case following a page Créneau can visit, itself or with the person); else None."""
    page = case.booking_page
    if case.status not in Case.ACTIVE_STATUSES or page is None:
        return None
    if mode_of(page) not in {"automatic", "assisted"}:
        return None
    window = evidence_window()
    per_week = evidence_per_week(settings.EVIDENCE_PER_WEEK, case.procedure_kind, window)
    first = next_evidence_at(
        now, None, window, per_week, rng or random.SystemRandom(), today_allowed=True
    )
    row, _ = EvidenceSchedule.objects.get_or_create(case=case, defaults={"next_run_at": first})
    return row


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
    if not watch_window().contains(now, zone()):
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
    here = zone()
    if not evidence_window().contains(now, here):
        return []
    open_pages = _pages_with_tokens(now, pages, budgets)
    if not open_pages:
        return []
    hour = now.astimezone(here).hour
    due = (
        _due(EvidenceSchedule, now)
        .filter(case__status__in=Case.ACTIVE_STATUSES, case__booking_page__in=open_pages)
        .filter(paused_at__isnull=True)  # a volunteer paused the case's attempts
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
