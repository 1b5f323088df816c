from django import template

from creneau.cases.models import Case
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
