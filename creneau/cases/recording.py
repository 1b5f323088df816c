"""The one path by which an attempt enters a case: journal first, then the assessment.

1. save the Attempt (and its files) in the caller's transaction;
2. append it to the case's tamper-evident journal;
3. refresh the stored assessment, so lists filtered by verdict stay true.
"""

from django.db import transaction

from creneau.assessment.services import refresh_assessment
from creneau.cases.models import Attempt, Case


def attempt_recorded(attempt: Attempt) -> None:
    """Steps 2–3 for an attempt already saved."""
    from creneau.evidence.journal import append_attempt

    append_attempt(attempt)
    transaction.on_commit(lambda: _refresh(attempt.case_id))


def _refresh(case_id: int) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        refresh_assessment(case)
