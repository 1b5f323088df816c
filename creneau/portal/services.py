"""Read-only views of a case for its person: the journal lines, the open assisted attempts."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise

from creneau.cases.models import Case
from creneau.portal import wording
from creneau.scheduling import assisted


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    channel: str
    outcome: str
    outcome_label: str
    evidence: Promise


def journal(case: Case) -> list[JournalLine]:
    """Every attempt of the case, newest first, with how it is proven."""
    attempts = case.attempts.annotate(file_count=Count("files")).order_by("-at", "-id")
    return [
        JournalLine(
            at=attempt.at,
            channel=attempt.get_channel_display(),
            outcome=attempt.outcome,
            outcome_label=attempt.get_outcome_display(),
            evidence=wording.source_text(attempt, attempt.file_count > 0),
        )
        for attempt in attempts
    ]


def assisted_links(case: Case) -> list[str]:
    """Links to the case's assisted attempts still waiting for the person."""
    return assisted.waiting_links(case, timezone.now())
