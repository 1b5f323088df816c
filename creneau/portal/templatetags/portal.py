import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

from creneau.cases.models import Case
from creneau.documents.french import french_date
from creneau.portal.forms import PersonalLinkForm
from creneau.portal.models import PersonalLink

register = template.Library()


@register.simple_tag
def personal_links(case: Case) -> list[PersonalLink]:
    """The person's links still able to open their portal (for the case page's access card)."""
    return list(PersonalLink.objects.active().filter(person_id=case.person_id))


@register.simple_tag
def personal_link_form() -> PersonalLinkForm:
    return PersonalLinkForm()


@register.filter
def day(value: datetime.date | None) -> str:
    """The day as the active language writes it: « 1er octobre 2026 » in French (Django's own
    format says « 1 octobre »), « Oct. 1, 2026 », « 1 de octubre de 2026 »."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    if (get_language() or "").startswith("fr"):
        return french_date(value)
    return formats.date_format(value, "DATE_FORMAT")
