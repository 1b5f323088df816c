from typing import Any

from django import template

from creneau.cases.models import Case
from creneau.correspondence.models import MailDraft, MailSchedule

register = template.Library()


@register.inclusion_tag("correspondence/_panel.html")
def channels_panel(case: Case) -> dict[str, Any]:
    """What the case page shows of the other channels: drafts to approve, the repeat schedule."""
    return {
        "case": case,
        "awaiting": MailDraft.objects.filter(case=case).filter(state=MailDraft.State.AWAITING),
        "schedule": MailSchedule.objects.filter(case=case, active=True).first(),
    }
