"""What Créneau read on an attempt's screenshots, for the case page (readings loaded once by the
page, in a few queries, and looked up here per attempt)."""

from typing import Any

from django import template

from creneau.cases.models import Attempt
from creneau.evidence.readings import Checked
from creneau.screenshots.forms import OverrideForm
from creneau.screenshots.telling import describe
from creneau.watch.screenshot import message_for

register = template.Library()


@register.inclusion_tag("screenshots/_attempt_readings.html", takes_context=True)
def attempt_readings(
    context: template.Context, found: dict[int, list[Checked]], attempt: Attempt
) -> dict[str, Any]:
    items = [
        {
            "reading": item.reading,
            "summary": describe(item.reading),
            # Each warning in plain French, with its stable code (as ``creneau screenshot``).
            "warnings": [(str(w.get("code", "")), message_for(w)) for w in item.reading.warnings],
            "set_aside": item.set_aside,
            "override": item.override,
            "form": OverrideForm(auto_id=f"id_%s_{item.reading.pk}"),
        }
        for item in found.get(attempt.pk, [])
    ]
    return {"items": items, "case": attempt.case, "csrf_token": context.get("csrf_token")}
