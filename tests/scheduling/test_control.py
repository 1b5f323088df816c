"""The case page's control of online attempts: whether and when they run, « tenter maintenant »
within the host's politeness budget, pause and resume, and a page that cannot be visited."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from creneau.catalog.models import BookingPage
from creneau.lib import storage
from creneau.scheduling import attempts, control, politeness, scheduler
from creneau.scheduling.models import EvidenceSchedule
from tests.scheduling.conftest import WEDNESDAY_MORNING as NOW
from tests.scheduling.conftest import follow

pytestmark = pytest.mark.django_db
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture
def page(db):
    return BookingPage.objects.create(url=URL, system="legacy")


def claimed_evidence(now):
    return [w for w in scheduler.tick(now, dispatch=lambda w: None).claimed if w.kind == "evidence"]


def test_the_status_says_when_the_first_attempt_runs_and_in_which_window(page, personas):
    case = follow(page, personas)
    scheduler.ensure_case_schedule(case, NOW)

    found = control.status(case, NOW)

    assert found.mode == "automatic"
    assert found.next_at is not None and found.next_at >= NOW
    assert found.window == "du lundi au samedi, de 08:00 à 19:00"
    assert found.try_now == ""


def test_trying_now_makes_the_case_due_and_the_scheduler_claims_it_at_its_next_pass(page, personas):
    case = follow(page, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(next_run_at=NOW + timedelta(days=2))
    assert claimed_evidence(NOW) == []

    control.try_now(case, NOW)

    assert [w.row_id for w in claimed_evidence(NOW + timedelta(seconds=1))] == [schedule.pk]


def test_trying_now_is_refused_with_a_time_when_the_site_budget_is_spent(page, personas):
    """GIVEN the host's politeness budget spent by earlier visits
    WHEN a volunteer asks to try now THEN it is refused, saying when a visit is possible,
    and the schedule is left as it was (never a way around the budget)."""
    case = follow(page, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    host = politeness.host_of(URL)
    while politeness.take(host, NOW).granted:
        pass
    before = EvidenceSchedule.objects.get(pk=schedule.pk).next_run_at

    with pytest.raises(control.Refusal, match="prochaine est possible vers"):
        control.try_now(case, NOW)

    assert EvidenceSchedule.objects.get(pk=schedule.pk).next_run_at == before
    assert politeness.next_visit_at(host, NOW) > NOW


def test_trying_now_outside_the_humane_window_says_when_the_window_opens(page, personas):
    case = follow(page, personas)
    sunday_night = datetime(2026, 3, 8, 22, 0, tzinfo=UTC)

    with pytest.raises(control.Refusal) as refused:
        control.try_now(case, sunday_night)

    assert "Hors des heures de tentative" in str(refused.value)
    assert "lundi 9 mars 2026" in str(refused.value)


def test_trying_now_in_the_same_hour_as_the_last_attempt_waits_for_the_next_hour(page, personas):
    case = follow(page, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(last_hour=timezone.localtime(NOW).hour)

    with pytest.raises(control.Refusal, match="11 h"):
        control.try_now(case, NOW)


def test_a_paused_case_is_never_claimed_and_resumes_at_a_humane_time(page, personas):
    case = follow(page, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(next_run_at=NOW)

    assert control.pause(case, NOW)
    assert claimed_evidence(NOW) == []
    assert control.status(case, NOW).paused
    with pytest.raises(control.Refusal, match="en pause"):
        control.try_now(case, NOW)

    later = NOW + timedelta(days=3)
    assert control.resume(case, later)
    resumed = EvidenceSchedule.objects.get(pk=schedule.pk)
    assert resumed.paused_at is None and resumed.next_run_at >= later


def test_a_page_that_cannot_be_visited_as_set_up_is_said_and_shown_as_failing(personas):
    """GIVEN a page whose saved parameters its system refuses
    WHEN its evidence run comes THEN no browser is opened, no attempt is recorded, and the
    schedule keeps the reason in French with what to do (the case page shows it)."""
    bad = BookingPage.objects.create(
        url="https://rdv.val-de-marne.gouv.fr/eAppointment",
        system="eappointment",
        parameters={"postal_code": "abc", "motive": "20"},
    )
    case = follow(bad, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(next_run_at=NOW)
    work = claimed_evidence(NOW)[0]

    assert attempts.evidence_attempt(work.row_id, work.claim) == attempts.SETUP_PROBLEM

    found = control.status(case, NOW)
    assert found.failing and not case.attempts.exists()
    assert "réglages de l'organisation" in found.schedule.last_problem
    assert found.schedule.next_run_at > NOW


def test_a_capture_the_store_did_not_keep_is_a_failure_said_never_an_attempt(page, personas):
    """GIVEN an evidence run whose page was visited but whose files the store did not take
    THEN no attempt is recorded (never « aucun créneau »), the case page says why and the run
    comes back within minutes, not another day."""
    case = follow(page, personas)
    schedule = scheduler.ensure_case_schedule(case, NOW)
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(next_run_at=NOW)
    work = claimed_evidence(NOW)[0]

    def visit_while_the_store_is_down(case):
        raise storage.Unavailable("S3 store: PUT failed (connection refused)")

    outcome = attempts.evidence_attempt(work.row_id, work.claim, visit_while_the_store_is_down)

    assert outcome == attempts.STORE_PROBLEM
    found = control.status(case, timezone.now())
    assert found.failing and not case.attempts.exists()
    assert "stockage des preuves" in found.schedule.last_problem
    assert found.last_outcome_label.startswith("capture non gardée")
    assert found.schedule.next_run_at <= timezone.now() + attempts.STORE_RETRY
    assert found.schedule.claim == ""


def test_the_failing_schedules_index_holds_exactly_the_outcomes_the_dashboard_counts():
    """The partial index the dashboard's « en échec » count reads (scheduling 0004) is built on
    these values: a failure kind added to one and not the other would leave the index unused
    (the count stays exact, but reads every schedule)."""
    from creneau.scheduling.control import FAILED_RUNS
    from creneau.scheduling.models import FAILING, EvidenceSchedule

    assert set(FAILING) == set(FAILED_RUNS)
    index = next(i for i in EvidenceSchedule._meta.indexes if i.name == "schedule_failing")
    assert dict(index.condition.children)["last_outcome__in"] == FAILING
