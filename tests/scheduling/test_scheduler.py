"""Claims: due work is created from the database state and handed out exactly once."""

from datetime import timedelta

import pytest

from creneau.catalog.models import BookingPage
from creneau.scheduling import attempts, scheduler
from creneau.scheduling.jobs import JOBS
from creneau.scheduling.models import EvidenceSchedule, PageWatch
from tests.scheduling.conftest import WEDNESDAY_MORNING as NOW
from tests.scheduling.conftest import follow

URL = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy")


@pytest.mark.django_db
def test_one_watcher_per_page_however_many_cases_follow_it(page, personas):
    for _ in range(5):
        follow(page, personas)

    report = scheduler.tick(NOW, dispatch=lambda work: None)

    assert PageWatch.objects.filter(page=page).count() == 1
    assert EvidenceSchedule.objects.count() == 5
    assert [w.kind for w in report.claimed].count("watch") == 1


@pytest.mark.django_db
def test_a_second_pass_does_not_fire_the_same_work_again(page, personas):
    follow(page, personas)
    first = scheduler.tick(NOW, dispatch=lambda work: None)

    second = scheduler.tick(NOW + timedelta(seconds=1), dispatch=lambda work: None)

    assert {w.kind for w in first.claimed} == {"watch", "job"}
    assert second.claimed == []


@pytest.mark.django_db
def test_claimed_work_comes_back_when_its_lease_ends_without_a_result(page, personas):
    """GIVEN a claimed watch whose worker died (nothing finished it)
    WHEN the lease has passed
    THEN a scheduler claims it again, and the dead claim can no longer finish it."""
    follow(page, personas)
    dead = next(
        w for w in scheduler.tick(NOW, dispatch=lambda w: None).claimed if w.kind == "watch"
    )

    later = NOW + scheduler.LEASE + timedelta(seconds=1)
    again = [w for w in scheduler.tick(later, dispatch=lambda w: None).claimed if w.kind == "watch"]

    assert len(again) == 1 and again[0].claim != dead.claim
    assert attempts.watch_page(dead.row_id, dead.claim, visit=pytest.fail) == "stale"


@pytest.mark.django_db
def test_nothing_is_claimed_outside_the_humane_windows(page, personas):
    follow(page, personas)
    sunday = NOW + timedelta(days=4)

    report = scheduler.tick(sunday, dispatch=lambda work: None)

    # Only housekeeping runs on a Sunday: no watch, no evidence attempt.
    assert [w.kind for w in report.claimed] == ["job"] * len(JOBS)


@pytest.mark.django_db
def test_a_closed_case_gets_no_more_attempts(page, personas):
    case = follow(page, personas, status="appointment")

    scheduler.tick(NOW, dispatch=lambda work: None)

    assert not EvidenceSchedule.objects.filter(case=case).exists()
    assert not PageWatch.objects.exists()


@pytest.mark.django_db
def test_no_host_gets_more_claims_than_its_budget_in_one_pass(page, personas, settings):
    settings.POLITENESS_CAPACITY = 3
    for _ in range(10):
        follow(page, personas)
    scheduler.tick(NOW + timedelta(hours=12), dispatch=lambda work: None)  # rows made at night
    EvidenceSchedule.objects.update(next_run_at=NOW)

    report = scheduler.tick(NOW, dispatch=lambda work: None)

    assert len([w for w in report.claimed if w.kind in {"watch", "evidence"}]) == 3
