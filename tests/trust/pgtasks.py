"""A cheap task on the real recording path: one attempt per key, journalled, never twice."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from creneau.cases.models import Attempt, Case, Channel
from creneau.evidence import attempts


@task(queue_name="attempts")
def record_attempt(case_id: int, key: int) -> str:
    """Record attempt ``key`` unless it already is (a retry after a lost connection)."""
    note = f"key-{key}"
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if Attempt.objects.filter(case=case, note=note).exists():
            return "already"
        attempts.record_attempt(
            case, channel=Channel.ONLINE, at=timezone.now(), outcome="no_slot", note=note
        )
    return "recorded"
