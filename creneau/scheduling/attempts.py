"""The online attempt, whole and in order.

A case's scheduled evidence attempt (``evidence_attempt``):

1. claim — the row is still ours (a lost lease means another worker has it);
2. budget — one token of the host's politeness budget, or the attempt waits;
3. browse — the driver's steps in the browser seam (``lib.browsing``);
4. judge — the driver reads the page under the one honesty rule (``watch.drivers.judge``);
5. seal — stamp, store, manifest, RFC 3161 tokens (``evidence.capture.seal_page``);
6. record — the Attempt and its journal entry (``evidence.attempts.record_capture``);
7. alert — open or close the page's slot episode, which alerts the people following it;
8. plan — the next attempt, at another humane hour.

A page's shared slot watcher (``watch_page``) keeps no evidence of its own: its steps are
claim, budget, browse, judge, then (5) sample — the observatory seals the check when it is one
of its samples (``observatory.checks.seal_sample``: no extra request) — and (6) count — the check
counted in the observatory's hour rows, never in a case —, then alert and plan. Steps 3–6 of an
evidence attempt and 3–4 of a watch are one function (``sealed_visit``, ``watch_visit``) that
simulations may replace, so that the claims, the budget and the planning they test stay the real
ones.
``capture`` is steps 3–5 alone, for the command line and for tests.
"""

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.assessment.services import refresh_assessment
from creneau.cases.models import Case
from creneau.catalog.models import BookingPage
from creneau.evidence.attempts import record_capture
from creneau.evidence.capture import CaptureResult, Prepared, prepare, seal_page
from creneau.evidence.models import Capture
from creneau.lib import browser, browsing, storage
from creneau.lib.browser import PageSnapshot, Ready, Step
from creneau.notifications import alerts
from creneau.observatory import advice, checks
from creneau.scheduling import planning, politeness, scheduler
from creneau.scheduling.models import EvidenceSchedule, PageWatch
from creneau.watch import drivers, honesty
from creneau.watch.classify import Classification
from creneau.watch.drivers.base import DriverConfigError

# What a run records when nothing could be visited (the page's setup, no browser): not an
# outcome of the page, and never an attempt.
SETUP_PROBLEM = "setup"
# What a run records when the page was visited but the evidence store did not keep the capture
# (it did not answer, even after the client's retries): no attempt, a failure said on the case
# page, and the run again a few minutes later.
log = logging.getLogger(__name__)
STORE_PROBLEM = "store"
STORE_RETRY = timedelta(minutes=10)


@dataclass(frozen=True)
class RunResult:
    outcome: str
    status: int | None  # HTTP status of the last document, None when nothing answered
    # What a watch saw and how it was judged, for the observatory's sample (step 5 of a watch).
    snapshot: PageSnapshot | None = None
    verdict: Classification | None = None


PageRunner = Callable[[BookingPage], RunResult]
CaseRunner = Callable[[Case], RunResult]
Judge = Callable[[PageSnapshot], Classification]


def evidence_attempt(row_id: int, token: str, visit: CaseRunner | None = None) -> str:
    """Steps (1)–(8) for one case; returns the outcome, or why nothing was attempted."""
    row = EvidenceSchedule.objects.select_related("case__booking_page").filter(pk=row_id).first()
    if row is None or row.claim != token:  # (1)
        return "stale"
    case, page = row.case, row.case.booking_page
    if page is None:
        scheduler.defer(EvidenceSchedule, row_id, token, timezone.now() + scheduler.LEASE)
        return "no_page"
    adopt_orphan_captures(case)  # a killed worker's sealed capture becomes its attempt first
    problem = setup_problem(page) if visit is None else ""
    if problem:  # nothing can be visited as the page is set up: say so, never a silent failure
        complete_evidence_run(row, token, SETUP_PROBLEM, timezone.now(), problem=problem)
        return SETUP_PROBLEM
    host = politeness.host_of(page.url)
    grant = politeness.take(host, timezone.now())  # (2)
    if not grant.granted:
        scheduler.defer(EvidenceSchedule, row_id, token, grant.retry_at)
        return "deferred"
    try:
        result = (visit or sealed_visit)(case)  # (3)–(6)
    except browser.BrowserUnavailableError as exc:
        problem = _(
            "Le navigateur du serveur ne démarre pas (%(reason)s) : l'administrateur "
            "peut lancer « creneau doctor »."
        ) % {"reason": exc}
        complete_evidence_run(row, token, SETUP_PROBLEM, timezone.now(), problem=problem)
        return SETUP_PROBLEM
    except storage.StorageError as exc:
        return store_failed(row, token, exc)
    now = timezone.now()
    politeness.record(host, result.outcome, result.status, now)
    with transaction.atomic():
        alerts.page_answered(page, result.outcome, now)  # (7)
        complete_evidence_run(row, token, result.outcome, now)  # (8)
    return result.outcome


def store_failed(row: EvidenceSchedule, token: str, error: storage.StorageError) -> str:
    """The capture could not be kept: nothing was recorded (the rows are written after the
    files, in one transaction), so no attempt exists; the case page says why, and the same run
    comes back soon rather than on another day."""
    now = timezone.now()
    log.warning("evidence store did not keep the capture of schedule %s: %s", row.pk, error)
    problem = _(
        "Le stockage des preuves n'a pas gardé la capture : aucune "
        "tentative n'est enregistrée ; nouvel essai dans quelques minutes. Le détail technique "
        "est dans le journal du serveur."
    )
    scheduler.finish(
        EvidenceSchedule,
        row.pk,
        token,
        now + STORE_RETRY,
        STORE_PROBLEM,
        now,
        last_problem=problem[:500],
    )
    return STORE_PROBLEM


def sealed_visit(case: Case) -> RunResult:
    """Steps (3)–(6): browse, judge, seal and record one evidence attempt of a case."""
    page = case.booking_page
    assert page is not None
    config = drivers.stored_config(page)
    driver = drivers.driver_for(page.system)
    work = _judge_and_prepare(lambda snap: drivers.judge(page.system, snap, config), case)  # (4)
    snapshot, (verdict, judged, prepared) = browsing.snapshot_with(  # (3), and (4) meanwhile
        work, page.url, driver.steps(config), ready=driver.ready(config)
    )
    judged["browse"] = snapshot.timings.get("total", 0.0)
    sealed = seal_page(snapshot, verdict, case=case, timings=judged, prepared=prepared)  # (5)
    record_capture(sealed.capture_id)  # (6)
    refresh_assessment(case)  # lists then find the verdict current, with nothing to recompute
    return RunResult(sealed.outcome, snapshot.status)


def watch_page(row_id: int, token: str, visit: PageRunner | None = None) -> str:
    """Steps of a page's shared slot watcher: (1)–(4), (5) sample, (6) count, (7), (8)."""
    row = PageWatch.objects.select_related("page").filter(pk=row_id, claim=token).first()
    if row is None:  # (1)
        return "stale"
    host = politeness.host_of(row.page.url)
    grant = politeness.take(host, timezone.now())  # (2)
    if not grant.granted:
        scheduler.defer(PageWatch, row_id, token, grant.retry_at)
        return "deferred"
    result = (visit or watch_visit)(row.page)  # (3)–(4)
    now = timezone.now()
    politeness.record(host, result.outcome, result.status, now)
    sample = checks.seal_sample(row.page, result.snapshot, result.verdict, now)  # (5)
    with transaction.atomic():
        checks.count(row.page, result.outcome, now, sample)  # (6)
        alerts.page_answered(row.page, result.outcome, now)  # (7)
        following = planning.next_watch_at(
            now,
            planning.watch_window(),
            planning.watch_minutes(),
            random.SystemRandom(),
            advice.stored(row.page),
        )
        scheduler.finish(PageWatch, row_id, token, following, result.outcome, now)  # (8)
    return result.outcome


def watch_visit(page: BookingPage) -> RunResult:
    """Steps (3)–(4) of a watch: enough to see slots; the observatory may seal what was seen."""
    snapshot, verdict = drivers.attempt(page)
    return RunResult(verdict.outcome, snapshot.status, snapshot, verdict)


def setup_problem(page: BookingPage) -> str:
    """Why the page cannot be visited as it is set up (in French, with what to do), or ""."""
    try:
        drivers.driver_for(page.system).steps(drivers.stored_config(page))
    except drivers.UnknownSystemError:
        return _(
            "Créneau ne sait pas visiter les pages du système « %(system)s » : choisissez le "
            "système de cette page dans les réglages de l'organisation (pages de rendez-vous)."
        ) % {"system": page.get_system_display()}
    except DriverConfigError as exc:
        return _(
            "Cette page ne peut pas être visitée telle qu'elle est réglée (%(reason)s) : "
            "complétez ses paramètres dans les réglages de l'organisation (pages de rendez-vous)."
        ) % {"reason": exc}
    return ""


def complete_evidence_run(
    row: EvidenceSchedule,
    token: str,
    outcome: str,
    now: datetime,
    rng: random.Random | None = None,
    *,
    problem: str = "",
) -> bool:
    """Step (8): the next attempt, another day of the window and another hour of the day
    (``problem``: why nothing could be visited, shown on the case page until a run succeeds)."""
    window = planning.evidence_window()
    hour = timezone.localtime(now).hour
    per_week = planning.evidence_per_week(
        settings.EVIDENCE_PER_WEEK, row.case.procedure_kind, window
    )
    following = planning.next_evidence_at(
        now,
        hour,
        window,
        per_week,
        rng or random.SystemRandom(),
        advice=advice.stored(row.case.booking_page),
    )
    return scheduler.finish(
        EvidenceSchedule,
        row.pk,
        token,
        following,
        outcome,
        now,
        last_hour=hour,
        last_problem=problem[:500],
    )


def adopt_orphan_captures(case: Case) -> int:
    """Record the captures a killed worker sealed but could not turn into attempts."""
    orphans = Capture.objects.filter(case=case, attempt__isnull=True).values_list("pk", flat=True)
    return sum(1 for pk in list(orphans) if record_capture(str(pk)) is not None)


def capture(
    url: str,
    *,
    steps: Sequence[Step] = (),
    case: Case | None = None,
    out_dir: Path | None = None,
    judge: Judge | None = None,
    ready: Ready | None = None,
    allow_local: bool | None = None,
) -> CaptureResult:
    """Steps (3)–(5) for one URL: browse, judge (the generic classifier unless ``judge`` is
    given, under the honesty rule either way), seal. A failed visit is sealed too, as ``error``.
    ``ready``: what shows the page has answered (a driver's); none, the quiet-network fallback.
    ``allow_local`` as in :func:`creneau.lib.browsing.snapshot`."""
    reading = (lambda snap: honesty.honest(snap, judge(snap))) if judge else honesty.read
    snapshot, (verdict, judged, prepared) = browsing.snapshot_with(
        _judge_and_prepare(reading, case), url, steps, allow_local=allow_local, ready=ready
    )
    judged["browse"] = snapshot.timings.get("total", 0.0)
    return seal_page(
        snapshot, verdict, case=case, out_dir=out_dir, timings=judged, prepared=prepared
    )


Judged = tuple[Classification, dict[str, float], Prepared | None]


def _judge_and_prepare(
    judging: Callable[[PageSnapshot], Classification], case: Case | None
) -> Callable[[PageSnapshot, bool], Judged]:
    """The work done on a frozen page: judge it and, while the browser still proves the freeze
    holds (``early``), stamp it and time-stamp its manifest too. Nothing is stored before the
    proof: a freeze that did not hold is judged again, and its early work thrown away."""

    def work(snapshot: PageSnapshot, early: bool) -> Judged:
        started = time.monotonic()
        verdict = judging(snapshot)
        judged = {"judge": time.monotonic() - started}
        if not early:
            return verdict, judged, None  # sealed at once, storing while it stamps
        return verdict, judged, prepare(snapshot, verdict, case, timestamp=True, timings=judged)

    return work
