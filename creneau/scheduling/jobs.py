"""The scheduler's own periodic jobs: what each does, and how often (one registry).

Each job is claimed like any other work (``scheduler.claim_jobs``) and run by ``tasks.run_job``;
it returns a short line for the log and the row's ``last_outcome``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.assessment.services import refresh_all, refresh_stale
from creneau.correspondence.sending import archive_unrecorded, due_mail_drafts
from creneau.evidence.journal import anchor_heads
from creneau.evidence.seal import timestamp_pending
from creneau.evidence.sweep import sweep_orphans
from creneau.observatory import maintenance
from creneau.privacy.erasure import erase_case, purge_due
from creneau.scheduling.assisted import sweep_stalled
from creneau.scheduling.planning import update_budget_status

# Verdicts recomputed per run of ``stale_assessments`` (a few ms each): a run stays short even
# after a bulk import; the rest waits for the next run, and lists refresh their own cases.
STALE_PER_RUN = 500


@dataclass(frozen=True)
class Job:
    every: timedelta
    run: Callable[[], str]


def seal_pending() -> str:
    """Ask the timestamp authorities again for captures and uploads still waiting."""
    report = timestamp_pending()
    return f"sealed {report.sealed}, pending {report.still_pending}"


def assisted_sweep() -> str:
    """Fail assisted sessions whose worker stopped moving, so the person can start again."""
    return f"closed {sweep_stalled(timezone.now())}"


def budget_status() -> str:
    update_budget_status(timezone.now())
    return "ok"


def anchor_journals() -> str:
    report = anchor_heads()
    return f"anchored {report.anchored}, unanswered {report.unanswered}"


def stale_assessments() -> str:
    """Recompute the stored verdicts of cases whose evidence changed since."""
    return f"refreshed {refresh_stale(limit=STALE_PER_RUN)}"


def refresh_assessments() -> str:
    """Some rules depend on today's date (gaps, expiry): refresh every stored verdict daily."""
    return f"refreshed {refresh_all()}"


def mail_drafts() -> str:
    """Prepare scheduled e-mails for a volunteer's approval (never sent without it)."""
    archived = archive_unrecorded()
    drafts = due_mail_drafts(timezone.now())
    return f"drafts {len(drafts)}, archived {len(archived)}"


def observatory() -> str:
    """Chain the pages' finished days, timestamp the chains, refresh the advice."""
    report = maintenance.run(timezone.now())
    return f"pages {report.pages}, anchored {report.anchored}, advice {report.advice}"


def purge() -> str:
    due, kept = purge_due(), 0
    for case in due:
        erased = erase_case(case)
        kept += len(erased.kept)
        audit.record(None, None, erased.reference, AuditEvent.Action.ERASE, "purge")
    # Then the objects no row references, older than the grace (the row keeps 30 characters).
    swept = sweep_orphans(timezone.now(), timedelta(hours=settings.ORPHAN_GRACE_HOURS))
    kept += len(swept.kept)
    line = f"erased {len(due)}, swept {len(swept.removed)}" + (f", kept {kept}" if kept else "")
    return line + (f", failed {len(swept.failed)}" if swept.failed else "")


JOBS: dict[str, Job] = {
    "seal_pending": Job(timedelta(minutes=10), seal_pending),
    "assisted_sweep": Job(timedelta(minutes=2), assisted_sweep),
    "stale_assessments": Job(timedelta(minutes=5), stale_assessments),
    "budget_status": Job(timedelta(hours=1), budget_status),
    "mail_drafts": Job(timedelta(hours=1), mail_drafts),
    "observatory": Job(timedelta(hours=1), observatory),
    "anchor_journals": Job(timedelta(days=1), anchor_journals),
    "refresh_assessments": Job(timedelta(days=1), refresh_assessments),
    "purge": Job(timedelta(days=1), purge),
}
