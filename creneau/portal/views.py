"""The person's own pages (``/p/…``): their case(s) in plain words, the journal, uploads.

Access is by personal link only (``access.py``); a page never shows a case of anyone else.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from creneau.accounts.models import AuditEvent
from creneau.assessment.context import assessment_context
from creneau.cases.filing import is_anef
from creneau.cases.models import Case
from creneau.evidence.states import MEANING, ORDER, State, evidence_for, timestamping_enabled
from creneau.evidence.uploads import UploadError
from creneau.notifications import alerts, sms, transport
from creneau.notifications.alerts import LANGUAGE_CODES
from creneau.notifications.models import NotificationChannel
from creneau.portal import access, wording
from creneau.portal.forms import AlertChannelForm, ScreenshotForm
from creneau.portal.models import PersonalLink
from creneau.portal.screenshots import record_screenshot
from creneau.portal.services import assisted_links, journal
from creneau.screenshots.offered import Offered

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
        "anef": is_anef(case),
        "verdict_text": wording.verdict_text(str(assessment.verdict)),
        "next_steps": assessment.next_steps,
        "journal": journal(case),
        "states": [{"label": s.label, "meaning": MEANING[s]} for s in ORDER],
        "timestamping": timestamping_enabled(),
        "declared_label": State.DECLARED_WITH_FILE.label,
        "assisted": assisted_links(case),
        "several_cases": Case.objects.filter(person=link.person).count() > 1,
    }
    return render(request, "portal/case.html", context)


@person_required
def upload(request: HttpRequest, link: PersonalLink, reference: str) -> HttpResponse:
    case = _case(link, reference)
    posted = request.method == "POST"
    anef = is_anef(case)
    form = ScreenshotForm(
        request.POST if posted else None, request.FILES if posted else None, anef=anef
    )
    if posted and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            recorded = record_screenshot(
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
            label = evidence_for(recorded.attempt).label
            messages.success(
                request,
                _("Merci. Votre capture est gardée et notée au journal : tentative « %(state)s ».")
                % {"state": label},
            )
            _tell_reading(request, recorded.offered)
            return redirect("portal-case", reference=case.reference)
    status = 400 if form.errors else 200
    context = {"case": case, "form": form, "anef": anef}
    return render(request, "portal/upload.html", context, status=status)


def _tell_reading(request: HttpRequest, offered: Offered) -> None:
    """What Créneau read on the screenshot, at once and in the person's language."""
    if offered.set_aside:
        messages.warning(
            request,
            _(
                "Attention : cette capture ne semble pas correspondre à votre dossier. Elle est "
                "gardée, mais elle ne compte pas tant qu'un·e bénévole ne l'a pas vérifiée."
            ),
        )
    for item in offered.read:
        for warning in item.warnings:
            messages.warning(request, warning.message)
    if offered.read and not offered.set_aside:
        messages.info(request, _("Créneau a lu votre capture : rien n'y contredit votre dossier."))
    elif offered.pending:
        messages.info(
            request, _("Lecture de votre capture en cours : un·e bénévole verra le résultat.")
        )


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    access.close_session(request)
    return render(request, "portal/left.html")


# --- alert settings (/p/alertes/) -------------------------------------------------------------


def shown_address(url: str) -> str:
    """What the person recognises of a channel, without its tokens: the e-mail, the number or
    the host."""
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "mailtos"}:
        return ", ".join(parse_qs(parts.query).get("to", [])) or parts.scheme
    if parts.scheme in {"ntfy", "ntfys"}:
        return f"https://{parts.hostname}{parts.path}"
    if sms.number_of(url):
        return sms.masked(sms.number_of(url))
    return ""  # Telegram, Signal: the label says which; the address holds a token


def _channels(link: PersonalLink) -> QuerySet[NotificationChannel]:
    return NotificationChannel.objects.filter(person=link.person).order_by("created_at", "pk")


def _known_addresses(link: PersonalLink) -> set[str]:
    return {alerts.address_key(u) for c in _channels(link) for u in c.url_list()}


def _sms_available(link: PersonalLink) -> bool:
    return sms.available(link.person.organisation_id)


def _alerts_form(link: PersonalLink) -> AlertChannelForm:
    """The empty form, offering the case's e-mail unless a channel already has it (never the
    phone number: the page shows a number only masked)."""
    person, known = link.person, _known_addresses(link)
    available = _sms_available(link)
    initial = {}
    if person.email and alerts.address_key(transport.mail_url(person.email)) not in known:
        initial["email"] = person.email
    return AlertChannelForm(initial=initial, sms=available)


def _add_channels(link: PersonalLink, form: AlertChannelForm) -> int:
    """Store each new way; one the person already has is not added twice. Returns how many."""
    known = _known_addresses(link)
    language = get_language() if get_language() in LANGUAGE_CODES else ""
    added = 0
    for kind, url in form.channels():
        if alerts.address_key(url) in known:
            continue
        known.add(alerts.address_key(url))
        NotificationChannel.objects.create(
            person=link.person, label=kind, urls=url, language=language
        )
        added += 1
    return added


@person_required
def alerts_page(request: HttpRequest, link: PersonalLink) -> HttpResponse:
    form = _alerts_form(link)
    if request.method == "POST":
        form = AlertChannelForm(request.POST, sms=_sms_available(link))
        if form.is_valid():
            if _add_channels(link, form):
                for case in _cases(link):
                    _audit(case, AuditEvent.Action.CHANGE, "canal d'alerte ajouté")
                messages.success(request, _("C'est noté : vous serez prévenu de cette façon."))
            else:
                messages.info(request, _("Vous êtes déjà prévenu de cette façon : rien à ajouter."))
            return redirect("portal-alerts")
    sms_off = not _sms_available(link)
    channels = [
        {
            "channel": c,
            "label": wording.channel_label(c.url_list()) or c.label,
            "addresses": [a for a in (shown_address(u) for u in c.url_list()) if a],
            "sms_off": sms_off and alerts.is_sms(c),
        }
        for c in _channels(link)
    ]
    context = {
        "person": link.person,
        "cases": _cases(link),
        "channels": channels,
        "form": form,
        "fallback_email": link.person.email or "",
        "usable": any(not item["sms_off"] for item in channels),
    }
    return render(request, "portal/alerts.html", context, status=400 if form.errors else 200)


@require_POST
@person_required
def alert_remove(request: HttpRequest, link: PersonalLink, pk: int) -> HttpResponse:
    channel = get_object_or_404(_channels(link), pk=pk)
    channel.delete()
    messages.success(request, _("Ce moyen d'alerte est supprimé."))
    return redirect("portal-alerts")


@require_POST
@person_required
def alert_test(request: HttpRequest, link: PersonalLink, pk: int) -> HttpResponse:
    """Send one test message through the channel, now, and say plainly whether it left."""
    channel = get_object_or_404(_channels(link).select_related("person"), pk=pk)
    language = channel.language or get_language()
    with translation.override(language):
        title = "" if alerts.is_sms(channel) else _("Créneau : message d'essai")
        body = _("Ceci est un essai. Quand des rendez-vous apparaîtront, vous serez prévenu ici.")
    urls = alerts.channel_urls(channel)
    delivery = (
        transport.notify(urls, title, body) if urls else transport.Delivery(False, "", "no_sms")
    )
    if delivery.delivered:
        messages.success(request, _("Message d'essai envoyé. Vérifiez qu'il est bien arrivé."))
    else:
        messages.error(request, str(wording.delivery_failure(delivery.reason)))
    return redirect("portal-alerts")
