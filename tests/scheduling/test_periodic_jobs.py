"""Housekeeping the scheduler runs by itself: seals, journal anchors, verdicts, drafts, purge."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from creneau.cases.models import Case
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.jobs import JOBS
from creneau.scheduling.models import PeriodicJob
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def run_job(name: str, now: datetime.datetime) -> str:
    claimed = {w.target_id: w for w in scheduler.claim_jobs(now) if w.kind == "job"}
    work = claimed[name]
    return tasks.periodic_job(work.row_id, work.claim)


def test_every_housekeeping_job_is_scheduled():
    scheduler.claim_jobs(timezone.now())
    assert set(PeriodicJob.objects.values_list("name", flat=True)) == set(JOBS)
    assert {"purge", "anchor_journals", "refresh_assessments", "mail_drafts"} <= set(JOBS)


def test_the_daily_purge_erases_a_closed_case_past_its_retention(personas, settings):
    settings.PURGE_CLOSED_AFTER_DAYS = 90
    with time_machine.travel(datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)):
        old = make_case(personas.group, status=Case.Status.CLOSED)
        kept = make_case(personas.group, family_name="Benali")
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)):
        outcome = run_job("purge", timezone.now())
    assert outcome == "erased 1, swept 0"
    assert not Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk=kept.pk).exists()


def test_the_daily_refresh_stores_a_verdict_for_every_case(personas):
    case = make_case(personas.group)
    assert run_job("refresh_assessments", timezone.now()).startswith("refreshed")
    case.refresh_from_db()
    assert case.assessment.verdict == "insufficient"
