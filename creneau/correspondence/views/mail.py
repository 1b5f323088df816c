"""« Écrire à la préfecture »: prepare, preview, approve (the only send), repeat, replies."""

from email import message_from_bytes
from email.policy import SMTP
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creneau.accounts.models import MailSettings
from creneau.cases.access import case_or_404
from creneau.cases.models import Case
from creneau.correspondence import sending
from creneau.correspondence.forms import RecipientForm, ReplyForm, ScheduleForm, read
from creneau.correspondence.mailer import MailError
from creneau.correspondence.models import MailDraft, MailSchedule
from creneau.correspondence.views.common import page, recorded
from creneau.documents.generate import DocumentError
from creneau.evidence.uploads import UploadError


def _mail_page(
    request: HttpRequest,
    case: Case,
    *,
    compose: RecipientForm | None = None,
    schedule: ScheduleForm | None = None,
    reply: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    suggestion = sending.suggested_recipient(case)
    current = MailSchedule.objects.filter(case=case, active=True).first()
    initial = {"recipient": suggestion.address}
    context: dict[str, Any] = {
        "suggestion": suggestion,
        "compose_form": compose or RecipientForm(initial=initial),
        "schedule_form": schedule
        or ScheduleForm(
            initial=initial | ({"interval_days": current.interval_days} if current else {})
        ),
        "reply_form": reply or ReplyForm(),
        "schedule": current,
        "drafts": MailDraft.objects.filter(case=case).exclude(state=MailDraft.State.DISCARDED)[:20],
        "configured": MailSettings.objects.filter(organisation=case.organisation).exists(),
    }
    return page(request, "mail.html", case, context, status)


@login_required
@require_GET
def mail_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _mail_page(request, case_or_404(request, reference))


@login_required
@require_POST
def mail_prepare(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = RecipientForm(request.POST)
    if form.is_valid():
        try:
            draft = sending.prepare_draft(case, form.cleaned_data["recipient"], request.user)
        except DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("mail-draft", reference=case.reference, draft_id=draft.pk)
    return _mail_page(request, case, compose=form, status=400)


def _draft(case: Case, draft_id: int) -> MailDraft:
    return get_object_or_404(MailDraft, pk=draft_id, case=case)


@login_required
@require_GET
def mail_draft(request: HttpRequest, reference: str, draft_id: int) -> HttpResponse:
    case = case_or_404(request, reference)
    draft = _draft(case, draft_id)
    account = MailSettings.objects.filter(organisation=case.organisation).first()
    return page(request, "mail_draft.html", case, {"draft": draft, "account": account})


@login_required
@require_POST
def mail_send(request: HttpRequest, reference: str, draft_id: int) -> HttpResponse:
    """The approval: a volunteer's explicit POST is the only way a draft leaves."""
    case = case_or_404(request, reference)
    _draft(case, draft_id)
    try:
        attempt = sending.send_draft(case, draft_id, request.user)
    except MailError as exc:
        messages.error(request, _("Courriel non envoyé. %(reason)s") % {"reason": exc})
        return redirect("mail-draft", reference=case.reference, draft_id=draft_id)
    except sending.DraftUnavailableError:
        messages.error(request, _("Ce courriel a déjà été envoyé ou abandonné."))
        return redirect("mail-draft", reference=case.reference, draft_id=draft_id)
    recorded(request, _("Courriel envoyé et archivé."), attempt)
    return redirect("case-detail", reference=case.reference)


@login_required
@require_POST
def mail_discard(request: HttpRequest, reference: str, draft_id: int) -> HttpResponse:
    case = case_or_404(request, reference)
    _draft(case, draft_id)
    if sending.discard_draft(case, draft_id):
        messages.success(request, _("Brouillon abandonné : rien n'a été envoyé."))
    return redirect("mail", reference=case.reference)


@login_required
@require_GET
def mail_attachment(
    request: HttpRequest, reference: str, draft_id: int, index: int
) -> HttpResponse:
    """An attachment of the draft, exactly as it will travel, for checking before approval."""
    draft = _draft(case_or_404(request, reference), draft_id)
    message = message_from_bytes(bytes(draft.message), policy=SMTP)
    parts = list(message.iter_attachments())
    if not 0 <= index < len(parts):
        raise Http404
    response = HttpResponse(parts[index].get_content(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{parts[index].get_filename()}"'
    return response


@login_required
@require_POST
def mail_schedule(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _mail_page(request, case, schedule=form, status=400)
    data = form.cleaned_data
    schedule = sending.set_schedule(case, data["recipient"], data["interval_days"], request.user)
    messages.success(
        request,
        _("Un nouveau courriel sera préparé le %(date)s, puis tous les %(days)s jours.")
        % {
            "date": f"{timezone.localtime(schedule.next_due):%d/%m/%Y}",
            "days": schedule.interval_days,
        },
    )
    return redirect("mail", reference=case.reference)


@login_required
@require_POST
def mail_schedule_stop(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    MailSchedule.objects.filter(case=case).update(active=False)
    messages.success(request, _("Envoi répété arrêté."))
    return redirect("mail", reference=case.reference)


@login_required
@require_POST
def mail_reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["message"]
        try:
            reply = sending.record_reply(
                case, read(upload), upload.name or "reponse.eml", request.user
            )
        except UploadError as exc:
            form.add_error("message", str(exc))
        else:
            recorded(request, _("Réponse enregistrée."), reply)
            return redirect("case-detail", reference=case.reference)
    return _mail_page(request, case, reply=form, status=400)
