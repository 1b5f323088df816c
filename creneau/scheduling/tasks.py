"""The django-tasks entry points behind the scheduler's claims, and the dispatch to them.

Tasks take ids and claim tokens, never objects. A task whose claim was lost (the lease expired
and another worker re-claimed the row) does nothing. Queues: ``attempts`` (browsers),
``alerts`` (messages, never behind a browser), ``assisted`` (a person is waiting), ``default``.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from creneau.scheduling import assisted, attempts, scheduler
from creneau.scheduling.jobs import JOBS
from creneau.scheduling.models import AssistedSession, Claimable, EvidenceSchedule, PeriodicJob


def enqueue(work: scheduler.Work) -> None:
    """The scheduler's dispatch: one task per claim, on the queue of its kind."""
    entry = {
        "watch": run_watch,
        "evidence": run_evidence_attempt,
        "assisted": send_assisted_reminder,
        "job": run_job,
    }[work.kind]
    entry.enqueue(work.row_id, work.claim)


def start_assisted(session: AssistedSession) -> bool:
    """The person pressed « Commencer »: queue the browser session once (after the commit)."""
    if not assisted.request_start(session):
        return False
    transaction.on_commit(lambda: run_assisted_session.enqueue(session.pk))
    return True


def assisted_reminder(row_id: int, token: str) -> str:
    """Send the person their link for an assisted attempt; the attempt itself waits for them."""
    row = EvidenceSchedule.objects.select_related("case__booking_page").filter(pk=row_id).first()
    if row is None or row.claim != token:
        return "stale"
    now = timezone.now()
    with transaction.atomic():
        assisted.remind(row.case, now)
        attempts.complete_evidence_run(row, token, "reminded", now)
    return "reminded"


def periodic_job(row_id: int, token: str) -> str:
    job = PeriodicJob.objects.filter(pk=row_id, claim=token).first()
    if job is None:
        return "stale"
    registered = JOBS[job.name]
    outcome = registered.run()
    now = timezone.now()
    scheduler.finish(PeriodicJob, row_id, token, now + registered.every, outcome[:30], now)
    return outcome


@task(queue_name="attempts")
def run_watch(row_id: int, claim: str) -> str:
    return attempts.watch_page(row_id, claim)


@task(queue_name="attempts")
def run_evidence_attempt(row_id: int, claim: str) -> str:
    return attempts.evidence_attempt(row_id, claim)


@task(queue_name="alerts")
def send_assisted_reminder(row_id: int, claim: str) -> str:
    return assisted_reminder(row_id, claim)


@task(queue_name="assisted")
def run_assisted_session(session_id: int) -> str:
    return assisted.run_session(session_id)


@task(queue_name="default")
def run_job(row_id: int, claim: str) -> str:
    return periodic_job(row_id, claim)


def claimed(model: type[Claimable], row_id: int) -> bool:
    """For tests and diagnostics: the row is currently claimed."""
    return model._default_manager.filter(pk=row_id, claimed_until__isnull=False).exists()
