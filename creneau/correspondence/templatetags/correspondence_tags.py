from typing import Any

from django import template

from creneau.cases.access import preloaded
from creneau.cases.filing import is_anef
from creneau.cases.models import Case
from creneau.correspondence.anef import not_a_filing
from creneau.correspondence.models import MailDraft, MailSchedule

register = template.Library()


@register.inclusion_tag("correspondence/_panel.html")
def channels_panel(case: Case) -> dict[str, Any]:
    """What the case page shows of the other channels: drafts to approve, the repeat schedule."""
    anef = is_anef(case)
    return {
        "case": case,
        "awaiting": MailDraft.objects.filter(case=case).filter(state=MailDraft.State.AWAITING),
        "schedule": _active_schedule(case),
        "anef": anef,
        "not_a_filing": not_a_filing() if anef else "",
    }


def _active_schedule(case: Case) -> MailSchedule | None:
    loaded, schedule = preloaded(case, "mail_schedule")  # with the case (the case page)
    if not loaded:
        return MailSchedule.objects.filter(case=case, active=True).first()
    return schedule if schedule is not None and schedule.active else None
