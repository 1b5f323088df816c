"""The error summary at the top of a form: every error, each a link to its field."""

from dataclasses import dataclass
from typing import Any

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class Problem:
    target: str  # the id of the field to focus ("" for an error of the whole form)
    label: str
    message: str


def problems_of(*found: object) -> list[Problem]:
    problems = []
    for form in found:  # a form missing from the context comes as "" from the template
        if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
            continue
        problems += [Problem("", "", str(e)) for e in form.non_field_errors()]
        for field in form.visible_fields():
            problems += [
                Problem(field.auto_id or "", str(field.label), str(e)) for e in field.errors
            ]
    return problems


@register.inclusion_tag("desk/_error_summary.html")
def error_summary(*found: object) -> dict[str, Any]:
    return {"problems": problems_of(*found)}
