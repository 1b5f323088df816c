"""The volunteer's side of personal links: create one for the case's person, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.access import case_or_404
from creneau.cases.models import Person
from creneau.lib import qr
from creneau.notifications.alerts import language_of
from creneau.portal import access
from creneau.portal.forms import PersonalLinkForm
from creneau.portal.models import PersonalLink


@never_cache  # the page holds the only copy of the link
@login_required
@require_POST
def create_link(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = PersonalLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Durée de validité inconnue."))
        return redirect("case-detail", reference=case.reference)
    issued = access.issue(case.person, request.user, form.expires_at())
    audit.record(
        request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, "lien personnel"
    )
    url = request.build_absolute_uri(reverse("portal-open", args=[issued.token]))
    context = {
        "case": case,
        "link": issued.link,
        "url": url,
        "qr": mark_safe(qr.svg(url, _("Code QR du lien personnel"), scale=5)),  # noqa: S308 (segno's SVG)
        "message": message_for(case.person, url),
    }
    return render(request, "portal/link_created.html", context)


def message_for(person: Person, url: str) -> dict[str, str]:
    """The e-mail or SMS the volunteer sends, in the person's language (not the volunteer's)."""
    with translation.override(language_of(person)):
        subject = _("Votre dossier Créneau")
        body = _("Voici votre lien personnel pour suivre votre dossier : %(url)s") % {"url": url}
    return {"subject": subject, "body": body}


@login_required
@require_POST
def revoke_link(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = case_or_404(request, reference)
    link = get_object_or_404(PersonalLink, pk=pk, person=case.person)
    access.revoke(link)
    audit.record(
        request.user,
        case.organisation,
        case.reference,
        AuditEvent.Action.CHANGE,
        "lien personnel révoqué",
    )
    messages.success(request, _("Lien révoqué : il n'ouvre plus rien."))
    return redirect("case-detail", reference=case.reference)
