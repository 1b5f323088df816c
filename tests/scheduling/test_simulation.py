"""A thousand cases following one page, six weeks of controlled clock, a fake driver runner.

The scheduler, the claims and the politeness accounting are the real ones; only the driver run
is replaced by a function that notes when it was called.
"""

import itertools
import os
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from creneau.cases.models import Case, Person
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling import attempts, planning, politeness, scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule, HostBudget
from creneau.scheduling.scheduler import Work

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 2, 0, 0, tzinfo=PARIS)  # a Monday
WEEKS = int(os.environ.get("SIM_WEEKS", 2))  # bench/politeness.py runs six
STEP = timedelta(minutes=6)  # the bucket refills 3 runs in 6 minutes: no run is lost
CASES = int(os.environ.get("SIM_CASES", 1000))


def many_cases(page: BookingPage, organisation, count: int) -> None:
    department = Department.objects.get(code="93")
    people = Person.objects.bulk_create(
        Person(organisation=organisation, family_name=f"P{n}") for n in range(count)
    )
    Case.objects.bulk_create(
        Case(
            organisation=organisation,
            person=person,
            procedure_kind="first_application",
            department=department,
            booking_page=page,
        )
        for person in people
    )
    # Made before the simulated weeks: their last change is not in the simulation's future.
    Case.objects.filter(organisation=organisation).update(updated_at=START - timedelta(days=1))


class Recorder:
    """Stands in for the browser: counts runs per host and per case, with their times."""

    def __init__(self) -> None:
        self.runs: list[datetime] = []
        self.by_case: dict[int, list[datetime]] = defaultdict(list)

    def page(self, page: BookingPage) -> attempts.RunResult:
        self.runs.append(timezone.now())
        return attempts.RunResult("no_slot", 200)

    def case(self, case: Case) -> attempts.RunResult:
        now = timezone.now()
        self.runs.append(now)
        self.by_case[case.pk].append(now)
        return attempts.RunResult("no_slot", 200)

    def dispatch(self, work: Work) -> None:
        if work.kind == "watch":
            attempts.watch_page(work.row_id, work.claim, visit=self.page)
        elif work.kind == "evidence":
            attempts.evidence_attempt(work.row_id, work.claim, visit=self.case)
        else:
            tasks.periodic_job(work.row_id, work.claim)


def simulate(recorder: Recorder, until: datetime) -> None:
    window = planning.evidence_window()
    now = START
    with time_machine.travel(now, tick=False) as clock:
        while now < until:
            if window.contains(now, PARIS):
                scheduler.tick(now, dispatch=recorder.dispatch)
                now += STEP
            else:
                now = planning.next_window_start(now, window, PARIS)
            clock.move_to(now)


def replay_bucket(runs: list[datetime], capacity: int, refill_s: int) -> float:
    """The lowest token level an independent bucket reaches for these runs (must stay >= 0)."""
    tokens, last, lowest = float(capacity), runs[0], float(capacity)
    for moment in sorted(runs):
        tokens = min(capacity, tokens + (moment - last).total_seconds() / refill_s) - 1
        last = moment
        lowest = min(lowest, tokens)
    return lowest


@pytest.fixture
def crowded_page(personas, settings):
    settings.POLITENESS_CAPACITY, settings.POLITENESS_REFILL_SECONDS = 3, 120
    page = BookingPage.objects.create(
        url="https://www.rdv.93.gouv.fr/booking/create/9845", system="legacy"
    )
    many_cases(page, personas.group, CASES)
    return page


@pytest.mark.django_db
def test_a_thousand_cases_keep_the_host_under_budget_and_every_case_gets_every_week(crowded_page):
    """GIVEN 1,000 cases on one page and the default budget (3, then one run every 120 s)
    WHEN weeks pass, the scheduler ticking every six minutes
    THEN the host never gets more than its budget, and each case has an attempt every ISO week."""
    recorder = Recorder()

    simulate(recorder, START + timedelta(weeks=WEEKS))

    assert replay_bucket(recorder.runs, 3, 120) >= -1e-9
    per_day: dict[object, int] = defaultdict(int)
    for moment in recorder.runs:
        per_day[moment.astimezone(PARIS).date()] += 1
    assert max(per_day.values()) <= 3 + 11 * 3600 // 120
    weeks = {(START + timedelta(weeks=n)).isocalendar()[:2] for n in range(WEEKS)}
    assert len(recorder.by_case) == CASES
    for times in recorder.by_case.values():
        assert {t.isocalendar()[:2] for t in times} >= weeks
        hours = [t.astimezone(PARIS).hour for t in sorted(times)]
        assert all(a != b for a, b in itertools.pairwise(hours))
    budget = HostBudget.objects.get(host="www.rdv.93.gouv.fr")
    assert budget.degraded_since is not None  # 1,000 cases want 2+ a week: more than it gives
    assert budget.demand_per_week > budget.supply_per_week
    assert politeness.status_for(crowded_page).degraded
    assert EvidenceSchedule.objects.count() == CASES
