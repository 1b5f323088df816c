"""The person's page for an assisted attempt, reached through the signed link of a reminder.

No login: the signed, expiring link is the key. The page refreshes itself (no script) while the
server's browser opens the booking site, then shows the challenge image and a text field.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.cases.models import Outcome
from creneau.evidence.uploads import UploadError, read_limited
from creneau.scheduling import assisted
from creneau.scheduling.models import AssistedSession
from creneau.scheduling.tasks import start_assisted

UPLOAD_OUTCOMES = (Outcome.NO_SLOT, Outcome.SLOTS_AVAILABLE, Outcome.ERROR, Outcome.CAPTCHA)
REFRESH_SECONDS = 2
WAITING = (AssistedSession.State.REQUESTED, AssistedSession.State.ANSWERED)


def _session(token: str) -> AssistedSession:
    session = assisted.session_for_token(token)
    if session is None:
        raise Http404("lien invalide ou expiré")
    return session


def _language(request: HttpRequest, session: AssistedSession) -> str:
    """The person's saved language, until they pick another one with the page's switch."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else session.case.person.preferred_language


def assisted_page(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    if assisted.sweep_stalled(timezone.now(), only=session.pk):
        session.refresh_from_db()
    with translation.override(_language(request, session)):
        context = {
            "session": session,
            "token": token,
            "expired": assisted.expired(session),
            "waiting": session.state in WAITING,
            "challenge": (
                assisted.challenge_data_url(session)
                if session.state == AssistedSession.State.CHALLENGE
                else ""
            ),
            "outcomes": [(o.value, o.label) for o in UPLOAD_OUTCOMES],
            "error": request.GET.get("erreur", ""),
            "attempt": session.attempt,
            "refused": assisted.code_refused(session),
            "tries_left": assisted.tries_left(session),
        }
        response = render(request, "scheduling/assisted.html", context)
    if context["waiting"]:
        response["Refresh"] = str(REFRESH_SECONDS)  # no script: the browser reloads by itself
    return response


@require_POST
def assisted_start(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    if not assisted.expired(session):
        start_assisted(session)
    return redirect("assisted", token=token)


@require_POST
def assisted_answer(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    assisted.give_answer(session, request.POST.get("answer", ""))
    return redirect("assisted", token=token)


@require_POST
def assisted_upload(request: HttpRequest, token: str) -> HttpResponse:
    session = _session(token)
    upload = request.FILES.get("screenshot")
    outcome = request.POST.get("outcome", "")
    if assisted.expired(session) or upload is None or outcome not in UPLOAD_OUTCOMES:
        return redirect(reverse("assisted", args=[token]) + "?erreur=envoi")
    try:
        assisted.record_upload(session, read_limited(upload), upload.name or "capture", outcome)
    except UploadError as exc:
        with translation.override(_language(request, session)):
            message = _("Fichier refusé : %(reason)s") % {"reason": exc}
        return render(request, "scheduling/assisted_refused.html", {"message": message}, status=400)
    return redirect("assisted", token=token)
