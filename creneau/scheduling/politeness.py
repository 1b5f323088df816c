"""The per-host politeness budget: every driver run against a booking host passes through it.

The unit is one **driver run** (one attempt at one booking page: a few page loads, as a person
would make), whether it is a slot watch, an evidence attempt or an assisted attempt.

Each host has a token bucket stored in the database (``HostBudget``), so the budget holds across
worker processes and hosts. Defaults (``CRENEAU_POLITENESS_*``): a burst of 3 runs, then one run
every 120 s, i.e. at most 30 runs an hour per host. Bots that met 502 answers on the legacy
module were making about one request a second (booking-systems.md §0.3); a run every two minutes
is two orders of magnitude below that, and well under what people queueing by hand produce.

A 403/429/502/503/504 answer, a waiting room or a failed visit puts the host in back-off:
exponential, with jitter, reset by the next normal answer. No run is granted during back-off.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from creneau.cases.models import Outcome
from creneau.catalog.models import BookingPage
from creneau.scheduling.models import HostBudget

BACKOFF_STATUSES = frozenset({403, 429, 502, 503, 504})
BACKOFF_OUTCOMES = frozenset({Outcome.QUEUE, Outcome.ERROR})


# --- Pure maths -----------------------------------------------------------------------------


def refilled(tokens: float, capacity: int, refill_seconds: int, elapsed_s: float) -> float:
    """Tokens after ``elapsed_s`` seconds of refill, never above ``capacity``."""
    return min(float(capacity), tokens + max(0.0, elapsed_s) / refill_seconds)


def seconds_until_token(tokens: float, refill_seconds: int) -> float:
    """How long until one whole token is available (0 if one already is)."""
    return max(0.0, (1.0 - tokens) * refill_seconds)


def backoff_seconds(failures: int, base_s: int, max_s: int, rng: random.Random) -> float:
    """Exponential back-off with "equal jitter": half fixed, half random, capped at ``max_s``."""
    ceiling = min(float(max_s), base_s * 2.0 ** max(0, failures - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def needs_backoff(outcome: str, status: int | None) -> bool:
    """Answers that mean "you are too many" or "we are down": never insist."""
    return (status in BACKOFF_STATUSES) or outcome in BACKOFF_OUTCOMES


def runs_per_week(refill_seconds: int, hours_per_day: float, days_per_week: int) -> int:
    """How many runs the steady refill allows inside the humane windows of one week."""
    return int(hours_per_day * 3600 / refill_seconds) * days_per_week


# --- The budget in the database -------------------------------------------------------------


def host_of(url: str) -> str:
    """The budget key of a URL: its host name, with the port when one is given."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def capacity_of(budget: HostBudget) -> int:
    return budget.capacity or settings.POLITENESS_CAPACITY


def refill_of(budget: HostBudget) -> int:
    return budget.refill_seconds or settings.POLITENESS_REFILL_SECONDS


@dataclass(frozen=True)
class Grant:
    granted: bool
    retry_at: datetime  # when asking again makes sense (now when granted)
    reason: str = ""  # "backoff" or "budget" when refused


def budget_for(host: str, now: datetime | None = None) -> HostBudget:
    """The host's row, created full on first use."""
    now = now or timezone.now()
    found = HostBudget.objects.filter(host=host).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return HostBudget.objects.create(
                host=host, tokens=settings.POLITENESS_CAPACITY, updated_at=now
            )
    except IntegrityError:  # another process created it first
        return HostBudget.objects.get(host=host)


def _locked(host: str, now: datetime) -> HostBudget:
    """The host's row, locked until the end of the caller's transaction (created if new)."""
    found = HostBudget.objects.select_for_update().filter(host=host).first()
    if found is None:
        budget_for(host, now)
        found = HostBudget.objects.select_for_update().get(host=host)
    return found


def take(host: str, now: datetime | None = None) -> Grant:
    """Take one token for one driver run, or say when to come back. Short transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        budget = _locked(host, now)
        if budget.backoff_until and now < budget.backoff_until:
            return Grant(False, budget.backoff_until, "backoff")
        refill = refill_of(budget)
        elapsed = (now - budget.updated_at).total_seconds()
        tokens = refilled(budget.tokens, capacity_of(budget), refill, elapsed)
        if tokens < 1.0:
            wait = seconds_until_token(tokens, refill)
            return Grant(False, now + timedelta(seconds=wait), "budget")
        HostBudget.objects.filter(pk=budget.pk).update(
            tokens=tokens - 1.0, updated_at=max(now, budget.updated_at), granted=budget.granted + 1
        )
    return Grant(True, now)


def available(host: str, now: datetime | None = None) -> int:
    """Whole tokens a scheduler may plan on right now (0 during back-off); does not take any."""
    now = now or timezone.now()
    budget = HostBudget.objects.filter(host=host).first()
    if budget is None:
        return int(settings.POLITENESS_CAPACITY)
    if budget.backoff_until and now < budget.backoff_until:
        return 0
    elapsed = (now - budget.updated_at).total_seconds()
    return int(refilled(budget.tokens, capacity_of(budget), refill_of(budget), elapsed))


def next_visit_at(host: str, now: datetime | None = None) -> datetime:
    """When the host's budget next allows a visit (``now`` if it does already); takes nothing."""
    return _next_visit(HostBudget.objects.filter(host=host).first(), now or timezone.now())


def _next_visit(budget: HostBudget | None, now: datetime) -> datetime:
    if budget is None:
        return now
    if budget.backoff_until and now < budget.backoff_until:
        return budget.backoff_until
    refill = refill_of(budget)
    tokens = refilled(
        budget.tokens, capacity_of(budget), refill, (now - budget.updated_at).total_seconds()
    )
    return now + timedelta(seconds=seconds_until_token(tokens, refill))


def record(
    host: str,
    outcome: str,
    status: int | None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> HostBudget:
    """Remember how the host answered a run: back off on trouble, reset on a normal answer."""
    now = now or timezone.now()
    if not needs_backoff(outcome, status):
        # The usual case, in one statement: a normal answer clears any failure count.
        HostBudget.objects.filter(host=host, failures__gt=0).update(failures=0, backoff_until=None)
        return budget_for(host, now)
    with transaction.atomic():
        budget = _locked(host, now)
        budget.failures += 1
        delay = backoff_seconds(
            budget.failures,
            settings.POLITENESS_BACKOFF_BASE_SECONDS,
            settings.POLITENESS_BACKOFF_MAX_SECONDS,
            rng or random.SystemRandom(),
        )
        budget.backoff_until = now + timedelta(seconds=delay)
        budget.last_failure = f"{outcome} (HTTP {status})" if status else outcome
        budget.save(update_fields=["failures", "backoff_until", "last_failure"])
    return budget


# --- What the UI shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetStatus:
    host: str
    runs_per_hour: float
    backoff_until: datetime | None
    last_failure: str
    degraded: bool
    demand_per_week: int
    supply_per_week: int
    next_visit_at: datetime  # as :func:`next_visit_at` says it, from the same row


def status_for(page: BookingPage, now: datetime | None = None) -> BudgetStatus:
    """The budget of a page's host, for a template: pauses and degraded scheduling included."""
    now = now or timezone.now()
    host = host_of(page.url)
    found = HostBudget.objects.filter(host=host).first()
    budget = found or HostBudget(host=host, updated_at=now)
    return BudgetStatus(
        host=host,
        runs_per_hour=3600 / refill_of(budget),
        backoff_until=budget.backoff_until,
        last_failure=budget.last_failure,
        degraded=budget.degraded_since is not None,
        demand_per_week=budget.demand_per_week,
        supply_per_week=budget.supply_per_week,
        next_visit_at=_next_visit(found, now),
    )
