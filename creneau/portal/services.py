"""Read-only views of a case for its person: the journal lines, the open assisted attempts."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from creneau.cases.models import Case
from creneau.evidence.states import Evidence, evidence_of
from creneau.scheduling import assisted


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    channel: str
    outcome: str
    outcome_label: str
    evidence: Evidence  # its state in the one vocabulary (evidence.states)


def journal(case: Case) -> list[JournalLine]:
    """Every attempt of the case, newest first, with how it is proven."""
    attempts = list(case.attempts.order_by("-at", "-id"))
    evidence = evidence_of(attempts)
    return [
        JournalLine(
            at=attempt.at,
            channel=attempt.get_channel_display(),
            outcome=attempt.outcome,
            outcome_label=attempt.get_outcome_display(),
            evidence=evidence[attempt.pk],
        )
        for attempt in attempts
    ]


def assisted_links(case: Case) -> list[str]:
    """Links to the case's assisted attempts still waiting for the person."""
    return assisted.waiting_links(case, timezone.now())
