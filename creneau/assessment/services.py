"""The one place the assessment touches the database: build the snapshot, store the verdict.

The stored verdict is a cache for case lists. A case whose evidence changed (an attempt, a file,
a timestamp: ``Case.updated_at`` moves) has a stale one until ``refresh_stale`` runs: lists call
it on their own cases before filtering (bounded), and a periodic job sweeps the rest.

Finding stale verdicts compares every case with its verdict, which costs as much as the cases
are many. A full sweep that leaves nothing stale records when it began (``FreshMark``, minus a
margin for transactions still open then); from then on, only cases changed since can be stale:
``updated_at`` only moves forward, to the time of the change.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from creneau.assessment.facts import AGREES, OVERRIDDEN, SET_ASIDE, AttemptFact, CaseFacts
from creneau.assessment.models import CaseAssessment, FreshMark
from creneau.assessment.thresholds import Thresholds, configured_thresholds
from creneau.assessment.verdict import Assessment, assess
from creneau.cases.filing import ANEF, filing_route
from creneau.cases.models import (
    AnefJourney,
    Attempt,
    AttemptFile,
    Case,
    CaseQuerySet,
    Channel,
    Outcome,
    detail_of,
)
from creneau.evidence.readings import Checked, attempt_readings
from creneau.evidence.states import CaptureRun, Evidence, evidence_and_captures

# What a téléservice page failing looks like; an unrecognised page proves nothing (honesty rule).
ANEF_BLOCKING_OUTCOMES = frozenset({Outcome.ERROR, Outcome.CLOSED})


@dataclass(frozen=True)
class Journal:
    """A case's attempts, oldest first, with what is read about them (their evidence states,
    their screenshots' readings) and the case's ANEF journey: loaded once for a page that shows
    both the assessment and the attempts, in the same handful of queries for any number of
    attempts."""

    attempts: Sequence[Attempt]
    evidence: dict[int, Evidence]
    screenshots: dict[int, list[Checked]]
    journey: AnefJourney | None
    captures: dict[int, CaptureRun]  # how each captured attempt's last capture went


def journal_of(case: Case, *, files: bool = False) -> Journal:
    """``files``: with each attempt's files (``attempt.files.all()``; the evidence states then
    take the files' digests from them instead of asking for them again)."""
    loaded = case.attempts.annotate(file_count=Count("files")).select_related("detail")
    if files:
        loaded = loaded.prefetch_related(
            Prefetch("files", queryset=AttemptFile.objects.select_related("blob"))
        )
    attempts = list(loaded.order_by("at", "id"))
    evidence, captures = evidence_and_captures(attempts)
    return Journal(
        attempts,
        evidence,
        attempt_readings(attempt.pk for attempt in attempts),
        _journey_of(case),
        captures,
    )


def _journey_of(case: Case) -> AnefJourney | None:
    if Case.anef.is_cached(case):  # loaded with the case (``case_or_404(journey=True)``)
        return getattr(case, "anef", None)  # None: the case has none
    return AnefJourney.objects.filter(case=case).first()


def snapshot_of(case: Case, today: date | None = None, journal: Journal | None = None) -> CaseFacts:
    journal = journal or journal_of(case)
    journey = journal.journey
    channel = filing_route(case).channel
    facts = [
        _fact(
            attempt,
            channel,
            journal.evidence[attempt.pk],
            journal.screenshots.get(attempt.pk, []),
        )
        for attempt in journal.attempts
    ]
    return CaseFacts(
        procedure_kind=case.procedure_kind,
        today=today or timezone.localdate(),
        attempts=tuple(facts),
        title_expires_on=case.title_expires_on,
        unexecuted_oqtf=case.unexecuted_oqtf,
        employment=case.employment,
        social_benefits=case.social_benefits,
        has_particular_circumstances=bool(str(case.particular_circumstances or "").strip()),
        refused_on=case.refused_on,
        application_filed_on=case.application_filed_on,
        timezone=settings.TIME_ZONE,
        channel=channel,
        provisional=journey.provisional if journey else "",
        provisional_until=journey.provisional_until if journey else None,
    )


def screenshot_of(checked: list[Checked]) -> tuple[str, tuple[str, ...]]:
    """What the readings of an attempt's screenshots say, and the codes that set it aside: one
    screenshot that contradicts the case is enough to set the attempt aside."""
    if not checked:
        return "", ()
    aside = sorted({code for item in checked if item.set_aside for code in item.blocking_codes})
    if aside:
        return SET_ASIDE, tuple(aside)
    return (OVERRIDDEN if any(item.overridden for item in checked) else AGREES), ()


def _fact(
    attempt: Attempt, channel: str, evidence: Evidence, checked: list[Checked]
) -> AttemptFact:
    detail = detail_of(attempt)
    screenshot, codes = screenshot_of(checked)
    has_files = getattr(attempt, "file_count", 0) > 0
    proof = evidence.has_file or bool(evidence.witnessed)
    blocking = (
        channel == ANEF
        and attempt.channel == Channel.ONLINE
        and attempt.outcome in ANEF_BLOCKING_OUTCOMES
        and proof
    )
    return AttemptFact(
        channel=attempt.channel,
        at=attempt.at,
        outcome=attempt.outcome,
        evidence=attempt.source,
        has_files=has_files,
        state=str(evidence.state),
        blocking=blocking,
        ticket=detail.ticket if detail else "",
        certifies=bool(detail and detail.certifies_impossibility),
        witnessed=bool(detail and detail.witnessed),
        purpose=detail.purpose if detail else "",
        screenshot=screenshot,
        screenshot_codes=codes,
    )


def assess_case(
    case: Case, *, today: date | None = None, thresholds: Thresholds | None = None
) -> Assessment:
    """Load the case's journal and judge it (read-only)."""
    return assess(snapshot_of(case, today), thresholds or configured_thresholds())


def refresh_assessment(case: Case) -> CaseAssessment:
    """Recompute and store the verdict; call it after every journal append."""
    assessment = assess_case(case)
    stored, _created = CaseAssessment.objects.update_or_create(
        case=case,
        defaults={
            "verdict": str(assessment.verdict),
            "computed_at": timezone.now(),
            "payload": assessment.as_dict(),
        },
    )
    return stored


def stale(cases: CaseQuerySet) -> CaseQuerySet:
    """The cases whose stored verdict is missing or older than their last change."""
    return cases.filter(Q(assessment__isnull=True) | Q(assessment__computed_at__lt=F("updated_at")))


# A change committed this long after its ``updated_at`` was set could hide behind the mark.
MARK_MARGIN = timedelta(hours=1)


def maybe_stale(cases: CaseQuerySet) -> CaseQuerySet:
    """``cases`` that may have a stale verdict: all of them, or those changed since the mark."""
    mark = FreshMark.objects.order_by("-fresh_before").values_list("fresh_before").first()
    return cases.filter(updated_at__gte=mark[0]) if mark else cases


def refresh_stale(cases: CaseQuerySet | None = None, limit: int | None = None) -> int:
    """Recompute the stored verdicts that are out of date (of ``cases``, else of every case;
    at most ``limit`` of them, the longest changed first). A sweep of every case that leaves
    none stale moves the mark."""
    began = timezone.now()
    done = _refresh(maybe_stale(cases if cases is not None else Case.objects.all()), limit)
    if cases is None and (limit is None or done < limit):
        FreshMark.objects.update_or_create(pk=1, defaults={"fresh_before": began - MARK_MARGIN})
    return done


def _refresh(candidates: CaseQuerySet, limit: int | None) -> int:
    due = stale(candidates).order_by("updated_at")
    return refresh_all(due[:limit] if limit else due)


def current(cases: CaseQuerySet) -> CaseQuerySet:
    """The cases whose stored verdict is current: what a list may filter on by verdict."""
    return cases.filter(assessment__computed_at__gte=F("updated_at"))


# Verdicts a page recomputes before it shows the stored ones (a few ms each); the rest wait for
# the periodic sweep, and the page says so instead of showing them.
PAGE_REFRESH = 25


def refresh_for_page(cases: CaseQuerySet) -> int:
    """Before a list reads stored verdicts: refresh a few stale ones; how many stay stale."""
    candidates = maybe_stale(cases)
    if _refresh(candidates, PAGE_REFRESH) < PAGE_REFRESH:
        return 0  # every stale one was refreshed
    return stale(candidates).count()


def refresh_all(cases: CaseQuerySet | None = None) -> int:
    """Refresh every stored verdict (some rules depend on today's date: run it daily)."""
    count = 0
    for case in (cases if cases is not None else Case.objects.all()).iterator():
        refresh_assessment(case)
        count += 1
    return count
