"""Counts and spans computed once from a snapshot; the rules and the chart read them."""

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from creneau.assessment.facts import (
    AGREES,
    AWAITING,
    EVIDENCE_KINDS,
    NO_SLOT,
    ONLINE,
    OVERRIDDEN,
    SLOTS_AVAILABLE,
    STATES,
    TIMESTAMPED,
    WITH_FILE,
    WITHOUT_FILE,
    WRITTEN_REQUEST_CHANNELS,
    AttemptFact,
    CaseFacts,
    iso_week,
)
from creneau.cases.models import INCONCLUSIVE_OUTCOMES

# Hour bands for "varied hours": night, morning, afternoon, evening.
HOUR_BANDS = ((0, 7), (7, 12), (12, 18), (18, 24))


@dataclass(frozen=True)
class Metrics:
    total: int
    counted: int
    counted_online: int
    excluded: dict[str, int]  # online outcomes that prove nothing, by outcome
    unproven: int  # non-online attempts without any proof attached
    slots_seen: int
    by_channel: dict[str, int]  # counted attempts
    by_outcome: dict[str, int]  # all attempts
    by_evidence: dict[str, int]  # counted attempts, by how they were recorded (source)
    # Every attempt by evidence state (creneau.evidence.states), and the counted ones.
    timestamped: int
    awaiting_timestamp: int
    declared_with_file: int
    declared_without_file: int
    counted_by_state: dict[str, int]
    counted_without_files: int
    channels: int
    weeks: list[str]  # distinct ISO weeks of counted attempts
    distinct_weeks: int
    span_days: int
    attempts_per_week: float
    longest_gap_days: int
    days_since_last: int | None
    distinct_hours: int
    hour_bands: int
    written_requests: int
    emails: int
    letters: int
    first_date: date | None
    last_date: date | None
    # Days with at least one counted attempt, and their weekly rate: a burst of captures on one
    # day is one day of diligence (the guide counts démarches per week, not clicks).
    active_days: int
    days_per_week: float
    # The proofs of unavailability the CE's "not all in the same week" rule reads: the online
    # pages showing no slot when the booking is online, every counted attempt otherwise.
    proof_attempts: int
    proof_weeks: int
    proof_span_days: int
    proof_first_date: date | None
    proof_last_date: date | None
    future: int  # dated after the assessment day: not counted
    premature: int  # before the renewal could be filed (R.431-5): not counted
    duplicates: int  # same channel, outcome and minute as a counted attempt: counted once
    slots_last: bool  # the latest conclusive online page showed slots
    # Person's screenshots read by Créneau (evidence.readings): counted attempts whose reading
    # found nothing against the case (or that a volunteer kept, with a note), and attempts set
    # aside because their screenshot shows something else (not counted).
    screenshots_agreeing: int = 0
    screenshots_overridden: int = 0
    screenshots_set_aside: int = 0

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["excluded_total"] = self.excluded_total
        for key in ("first_date", "last_date", "proof_first_date", "proof_last_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _local_days(facts: CaseFacts, attempts: tuple[AttemptFact, ...]) -> list[date]:
    return [facts.local_date(attempt.at) for attempt in attempts]


def _longest_gap(days: list[date]) -> int:
    return max(((later - earlier).days for earlier, later in pairwise(days)), default=0)


def _hours(facts: CaseFacts) -> tuple[int, int]:
    """Distinct hours of the day, and distinct hour bands, of counted online attempts."""
    hours = {facts.local(a.at).hour for a in facts.counted if a.channel == ONLINE}
    bands = {
        i for i, (start, end) in enumerate(HOUR_BANDS) for hour in hours if start <= hour < end
    }
    return len(hours), len(bands)


def _written(facts: CaseFacts) -> Counter[str]:
    return Counter(a.channel for a in facts.counted if a.channel in WRITTEN_REQUEST_CHANNELS)


def _slots_last(facts: CaseFacts) -> bool:
    conclusive = [
        a
        for a in facts.attempts
        if a.channel == ONLINE
        and a.outcome in (SLOTS_AVAILABLE, NO_SLOT)
        and facts.local_date(a.at) <= facts.today
    ]
    return bool(conclusive) and conclusive[-1].outcome == SLOTS_AVAILABLE


def _by_state(attempts: tuple[AttemptFact, ...]) -> dict[str, int]:
    found = Counter(a.proof_state for a in attempts)
    return {state: found[state] for state in STATES}


def compute(facts: CaseFacts) -> Metrics:
    counted = facts.counted
    states = _by_state(facts.attempts)
    days = _local_days(facts, counted)
    span = (days[-1] - days[0]).days if days else 0
    proofs = tuple(a for a in counted if a.channel == ONLINE) if facts.uses_online else counted
    proof_days = _local_days(facts, proofs)
    active_days = len(set(days))
    hours, bands = _hours(facts)
    written = _written(facts)
    return Metrics(
        total=len(facts.attempts),
        counted=len(counted),
        counted_online=sum(a.channel == ONLINE for a in counted),
        excluded=dict(
            Counter(
                a.outcome
                for a in facts.attempts
                if a.channel == ONLINE and a.outcome in INCONCLUSIVE_OUTCOMES
            )
        ),
        unproven=sum(a.channel != ONLINE and not a.has_proof for a in facts.attempts),
        slots_seen=sum(a.outcome == SLOTS_AVAILABLE for a in facts.attempts),
        by_channel=dict(Counter(a.channel for a in counted)),
        by_outcome=dict(Counter(a.outcome for a in facts.attempts)),
        by_evidence={kind: sum(a.evidence == kind for a in counted) for kind in EVIDENCE_KINDS},
        timestamped=states[TIMESTAMPED],
        awaiting_timestamp=states[AWAITING],
        declared_with_file=states[WITH_FILE],
        declared_without_file=states[WITHOUT_FILE],
        counted_by_state=_by_state(counted),
        counted_without_files=sum(not a.has_files for a in counted),
        channels=len({a.channel for a in counted}),
        weeks=sorted({iso_week(day) for day in days}),
        distinct_weeks=len({iso_week(day) for day in days}),
        span_days=span,
        # Weeks of the gathering period, counting its first day: one attempt is one per week.
        attempts_per_week=round(len(counted) / max(1.0, (span + 1) / 7), 2),
        longest_gap_days=_longest_gap(days),
        days_since_last=(facts.today - days[-1]).days if days else None,
        distinct_hours=hours,
        hour_bands=bands,
        written_requests=sum(written.values()),
        emails=written["email"],
        letters=written["letter"],
        first_date=days[0] if days else None,
        last_date=days[-1] if days else None,
        active_days=active_days,
        days_per_week=round(active_days / max(1.0, (span + 1) / 7), 2),
        proof_attempts=len(proofs),
        proof_weeks=len({iso_week(day) for day in proof_days}),
        proof_span_days=(proof_days[-1] - proof_days[0]).days if proof_days else 0,
        proof_first_date=proof_days[0] if proof_days else None,
        proof_last_date=proof_days[-1] if proof_days else None,
        future=len(facts.future),
        premature=len(facts.premature),
        duplicates=len(facts.duplicates),
        slots_last=_slots_last(facts),
        screenshots_agreeing=sum(a.screenshot == AGREES for a in counted),
        screenshots_overridden=sum(a.screenshot == OVERRIDDEN for a in counted),
        screenshots_set_aside=len(facts.screenshots_aside),
    )
