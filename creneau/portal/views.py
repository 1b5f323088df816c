"""The person's own pages (``/p/…``): their case(s) in plain words, the journal, uploads.

Access is by personal link only (``access.py``); a page never shows a case of anyone else.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from creneau.accounts.models import AuditEvent
from creneau.assessment.context import assessment_context
from creneau.cases.models import Case
from creneau.evidence.uploads import UploadError
from creneau.portal import access, wording
from creneau.portal.forms import ScreenshotForm
from creneau.portal.models import PersonalLink
from creneau.portal.screenshots import record_screenshot
from creneau.portal.services import assisted_links, journal

P = ParamSpec("P")
PersonView = Callable[Concatenate[HttpRequest, PersonalLink, P], HttpResponse]
ACTOR = "la personne (lien personnel)"


def person_required(view: PersonView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Run the view with the session's active link; anyone else gets the « no access » page."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        link = access.current_link(request)
        if link is None:
            return render(request, "portal/no_access.html", status=403)
        return view(request, link, *args, **kwargs)

    update_wrapper(wrapper, view)
    return never_cache(wrapper)


def _audit(case: Case, action: str, detail: str = "") -> None:
    AuditEvent.objects.create(
        actor=ACTOR,
        organisation=case.organisation,
        case_reference=case.reference,
        action=action,
        detail=detail,
    )


def _cases(link: PersonalLink) -> list[Case]:
    return list(Case.objects.filter(person=link.person).select_related("department", "prefecture"))


def _case(link: PersonalLink, reference: str) -> Case:
    cases = Case.objects.filter(person=link.person).select_related(
        "organisation", "department", "prefecture", "booking_page", "person"
    )
    return get_object_or_404(cases, reference=reference)


@never_cache
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link the volunteer sent: open the session, then forget the token in the address."""
    link = access.open_session(request, token)
    if link is None:
        return render(request, "portal/no_access.html", status=403)
    response = redirect("portal-home")
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # First visit: speak the person's preferred language; the switcher changes it later.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            link.person.preferred_language,
            samesite="Lax",
            max_age=365 * 24 * 3600,
        )
    return response


@person_required
def home(request: HttpRequest, link: PersonalLink) -> HttpResponse:
    cases = _cases(link)
    if len(cases) == 1:
        return redirect("portal-case", reference=cases[0].reference)
    items = [(case, wording.status_text(case)) for case in cases]
    return render(request, "portal/home.html", {"person": link.person, "items": items})


@person_required
def case_page(request: HttpRequest, link: PersonalLink, reference: str) -> HttpResponse:
    case = _case(link, reference)
    _audit(case, AuditEvent.Action.VIEW, "espace personnel")
    assessment = assessment_context(case)["assessment"]
    context = {
        "case": case,
        "person": link.person,
        "status_text": wording.status_text(case),
        "verdict_text": wording.verdict_text(str(assessment.verdict)),
        "next_steps": assessment.next_steps,
        "journal": journal(case),
        "assisted": assisted_links(case),
        "several_cases": Case.objects.filter(person=link.person).count() > 1,
    }
    return render(request, "portal/case.html", context)


@person_required
def upload(request: HttpRequest, link: PersonalLink, reference: str) -> HttpResponse:
    case = _case(link, reference)
    posted = request.method == "POST"
    form = ScreenshotForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            record_screenshot(
                case,
                sent.read(),
                sent.name or "",
                at=form.cleaned_data["at"],
                channel=form.cleaned_data["channel"],
                outcome=form.cleaned_data["outcome"],
            )
        except UploadError:
            form.add_error("file", _("Ce fichier n'est pas accepté : envoyez une image ou un PDF."))
        else:
            _audit(case, AuditEvent.Action.CHANGE, "capture envoyée")
            messages.success(request, _("Merci. Votre capture est scellée et notée au journal."))
            return redirect("portal-case", reference=case.reference)
    status = 400 if form.errors else 200
    return render(request, "portal/upload.html", {"case": case, "form": form}, status=status)


@person_required
def alerts(request: HttpRequest, link: PersonalLink) -> HttpResponse:
    return render(request, "portal/alerts.html", {"person": link.person, "cases": _cases(link)})


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    access.close_session(request)
    return render(request, "portal/left.html")
