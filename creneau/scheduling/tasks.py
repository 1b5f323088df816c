"""Tasks behind the scheduler's claims. They take ids and claim tokens, never objects.

Each ``run_*`` task is a thin wrapper over a function taking a ``Runner`` (the driver run), so
simulations can inject a fake runner while the claims and the politeness accounting stay real.
A task whose claim was lost (lease expired and re-claimed elsewhere) does nothing.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from creneau.cases.models import Case
from creneau.catalog.models import BookingPage
from creneau.notifications import alerts
from creneau.scheduling import politeness, scheduler
from creneau.scheduling.models import Claimable, EvidenceSchedule, PageWatch, PeriodicJob


@dataclass(frozen=True)
class RunResult:
    outcome: str
    status: int | None  # HTTP status of the last document, None when nothing answered


PageRunner = Callable[[BookingPage], RunResult]
CaseRunner = Callable[[Case], RunResult]


# --- Default runners (the real driver, the real capture pipeline) ----------------------------


def driver_run(page: BookingPage) -> RunResult:
    """One bare driver attempt: enough to see slots, no evidence kept."""
    from creneau.watch.drivers import attempt

    snapshot, result = attempt(page)
    return RunResult(result.outcome, snapshot.status)


def sealed_run(case: Case) -> RunResult:
    """A driver attempt captured and sealed by the evidence pipeline, recorded as an Attempt."""
    from creneau.evidence.capture import capture, record_attempt
    from creneau.evidence.models import Capture
    from creneau.watch.drivers import driver_for, stored_config
    from creneau.watch.drivers.base import honest

    page = case.booking_page
    assert page is not None
    driver, config = driver_for(page.system), stored_config(page)
    result = capture(
        page.url,
        steps=driver.steps(config),
        case=case,
        judge=lambda snap: honest(snap, driver.judge(snap, config)),
    )
    record_attempt(result.capture_id)
    status = Capture.objects.filter(pk=result.capture_id).values_list("status", flat=True).first()
    return RunResult(result.outcome, status)


def adopt_orphan_captures(case: Case) -> int:
    """Record the captures a killed worker sealed but could not turn into attempts."""
    from creneau.evidence.capture import record_attempt
    from creneau.evidence.models import Capture

    orphans = Capture.objects.filter(case=case, attempt__isnull=True).values_list("pk", flat=True)
    return sum(1 for pk in list(orphans) if record_attempt(str(pk)) is not None)


# --- Watch, evidence, reminder, jobs ---------------------------------------------------------


def watch_page(row_id: int, token: str, runner: PageRunner = driver_run) -> str:
    """(1) hold the claim, (2) take a budget token, (3) run, (4) tell the budget how the host
    answered, (5) open or close the slot episode (alerts), (6) plan the next watch."""
    row = PageWatch.objects.select_related("page").filter(pk=row_id, claim=token).first()
    if row is None:  # (1)
        return "stale"
    host = politeness.host_of(row.page.url)
    grant = politeness.take(host, timezone.now())  # (2)
    if not grant.granted:
        scheduler.defer(PageWatch, row_id, token, grant.retry_at)
        return "deferred"
    result = runner(row.page)  # (3)
    now = timezone.now()
    politeness.record(host, result.outcome, result.status, now)  # (4)
    with transaction.atomic():
        alerts.page_answered(row.page, result.outcome, now)  # (5)
        following = scheduler.next_watch_at(
            now, scheduler.watch_window(), scheduler.watch_minutes(), random.SystemRandom()
        )
        scheduler.finish(PageWatch, row_id, token, following, result.outcome, now)  # (6)
    return result.outcome


def evidence_attempt(row_id: int, token: str, runner: CaseRunner = sealed_run) -> str:
    """(1) hold the claim, (2) recover orphan captures, (3) take a budget token, (4) run and
    record, (5) tell the budget, (6) alerts, (7) plan the next attempt at another hour."""
    row = EvidenceSchedule.objects.select_related("case__booking_page").filter(pk=row_id).first()
    if row is None or row.claim != token:  # (1)
        return "stale"
    case, page = row.case, row.case.booking_page
    if page is None:
        scheduler.defer(EvidenceSchedule, row_id, token, timezone.now() + scheduler.LEASE)
        return "no_page"
    adopt_orphan_captures(case)  # (2)
    host = politeness.host_of(page.url)
    grant = politeness.take(host, timezone.now())  # (3)
    if not grant.granted:
        scheduler.defer(EvidenceSchedule, row_id, token, grant.retry_at)
        return "deferred"
    result = runner(case)  # (4)
    now = timezone.now()
    politeness.record(host, result.outcome, result.status, now)  # (5)
    with transaction.atomic():
        alerts.page_answered(page, result.outcome, now)  # (6)
        complete_evidence_run(row, token, result.outcome, now)  # (7)
    return result.outcome


def complete_evidence_run(
    row: EvidenceSchedule, token: str, outcome: str, now: datetime, rng: random.Random | None = None
) -> bool:
    window = scheduler.evidence_window()
    hour = timezone.localtime(now).hour
    per_week = scheduler.evidence_per_week(
        settings.EVIDENCE_PER_WEEK, row.case.procedure_kind, window
    )
    following = scheduler.next_evidence_at(
        now, hour, window, per_week, rng or random.SystemRandom()
    )
    return scheduler.finish(
        EvidenceSchedule, row.pk, token, following, outcome, now, last_hour=hour
    )


def assisted_reminder(row_id: int, token: str) -> str:
    """Send the person their link for an assisted attempt; the attempt itself waits for them."""
    from creneau.scheduling import assisted

    row = EvidenceSchedule.objects.select_related("case__booking_page").filter(pk=row_id).first()
    if row is None or row.claim != token:
        return "stale"
    now = timezone.now()
    with transaction.atomic():
        assisted.remind(row.case, now)
        complete_evidence_run(row, token, "reminded", now)
    return "reminded"


def periodic_job(row_id: int, token: str) -> str:
    job = PeriodicJob.objects.filter(pk=row_id, claim=token).first()
    if job is None:
        return "stale"
    outcome = PERIODIC_WORK[job.name]()
    now = timezone.now()
    scheduler.finish(PeriodicJob, row_id, token, now + scheduler.JOBS[job.name], outcome, now)
    return outcome


def _seal_pending() -> str:
    from creneau.evidence.seal import timestamp_pending

    report = timestamp_pending()
    return f"sealed {report.sealed}, pending {report.still_pending}"


def _assisted_sweep() -> str:
    from creneau.scheduling.assisted import sweep_stalled

    return f"closed {sweep_stalled(timezone.now())}"


def _budget_status() -> str:
    scheduler.update_budget_status(timezone.now())
    return "ok"


def _anchor_journals() -> str:
    from creneau.evidence.journal import anchor_heads

    report = anchor_heads()
    return f"anchored {report.anchored}, unanswered {report.unanswered}"


def _refresh_assessments() -> str:
    """Some rules depend on today's date (gaps, expiry): refresh stored verdicts daily."""
    from creneau.assessment.services import refresh_all

    return f"refreshed {refresh_all()}"


def _mail_drafts() -> str:
    """Prepare scheduled e-mails for a volunteer's approval (never sent without it)."""
    from creneau.correspondence.sending import archive_unrecorded, due_mail_drafts

    archived = archive_unrecorded()
    drafts = due_mail_drafts(timezone.now())
    return f"drafts {len(drafts)}, archived {len(archived)}"


def _purge() -> str:
    from creneau.accounts import audit
    from creneau.accounts.models import AuditEvent
    from creneau.cases.privacy import erase_case, purge_due

    due = purge_due()
    for case in due:
        erased = erase_case(case)
        audit.record(None, None, erased.reference, AuditEvent.Action.ERASE, "purge")
    return f"erased {len(due)}"


PERIODIC_WORK: dict[str, Callable[[], str]] = {
    "seal_pending": _seal_pending,
    "assisted_sweep": _assisted_sweep,
    "budget_status": _budget_status,
    "anchor_journals": _anchor_journals,
    "refresh_assessments": _refresh_assessments,
    "mail_drafts": _mail_drafts,
    "purge": _purge,
}


# --- The django-tasks entry points -----------------------------------------------------------


@task(queue_name="attempts")
def run_watch(row_id: int, claim: str) -> str:
    return watch_page(row_id, claim)


@task(queue_name="attempts")
def run_evidence_attempt(row_id: int, claim: str) -> str:
    return evidence_attempt(row_id, claim)


@task(queue_name="alerts")
def send_assisted_reminder(row_id: int, claim: str) -> str:
    return assisted_reminder(row_id, claim)


@task(queue_name="assisted")
def run_assisted_session(session_id: int) -> str:
    from creneau.scheduling import assisted

    return assisted.run_session(session_id)


@task(queue_name="default")
def run_job(row_id: int, claim: str) -> str:
    return periodic_job(row_id, claim)


def claimed(model: type[Claimable], row_id: int) -> bool:
    """For tests and diagnostics: the row is currently claimed."""
    return model._default_manager.filter(pk=row_id, claimed_until__isnull=False).exists()
