"""The volunteer's screenshot pages: a bulk import and its progress, keeping a set-aside one."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.access import case_or_404
from creneau.cases.filing import filing_route
from creneau.cases.models import Attempt, Case, Channel
from creneau.evidence import readings
from creneau.evidence.models import ScreenshotReading
from creneau.evidence.readings import Checked
from creneau.evidence.uploads import UploadError
from creneau.screenshots import tasks
from creneau.screenshots.bulk import start_import
from creneau.screenshots.forms import ImportForm, OverrideForm
from creneau.screenshots.models import ScreenshotImport
from creneau.screenshots.telling import describe
from creneau.watch.screenshot import message_for


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@login_required
@require_POST
def import_start(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = ImportForm(request.POST, request.FILES, anef=filing_route(case).is_anef)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("case-detail", reference=case.reference)
    try:
        job = start_import(
            case,
            form.cleaned_data["screenshots"],
            channel=Channel.ONLINE,
            outcome=form.cleaned_data["outcome"],
            user=_user(request),
        )
    except UploadError as error:
        messages.error(request, str(error))
        return redirect("case-detail", reference=case.reference)
    detail = f"import de {len(form.cleaned_data['screenshots'])} fichier(s) de captures"
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, detail)
    pk = str(job.pk)
    transaction.on_commit(lambda: tasks.import_screenshots_task.enqueue(pk))
    return redirect("screenshots-import", case.reference, job.pk)


def _job(request: HttpRequest, reference: str, import_id: str) -> ScreenshotImport:
    case = case_or_404(request, reference)
    return get_object_or_404(ScreenshotImport, case=case, pk=import_id)


@login_required
def import_page(request: HttpRequest, reference: str, import_id: str) -> HttpResponse:
    job = _job(request, reference, import_id)
    rows = []
    if job.state == ScreenshotImport.State.DONE:
        recorded = [r["attempt"] for r in job.results if r.get("status") == "recorded"]
        found = readings.attempt_readings(recorded)
        attempts = {a.pk: a for a in job.case.attempts.filter(pk__in=recorded)}
        for result in job.results:
            rows.append(_row(result, attempts, found))
    context = {
        "case": job.case,
        "job": job,
        "rows": rows,
        "recorded": sum(r["status"] == "recorded" for r in rows),
        "set_aside": sum(r["set_aside"] for r in rows),
        "skipped": sum(r["status"] == "skipped" for r in rows),
    }
    return render(request, "screenshots/import_page.html", context)


def _row(
    result: dict[str, Any], attempts: dict[int, Attempt], found: dict[int, list[Checked]]
) -> dict[str, Any]:
    attempt_id = result.get("attempt")
    checked = found.get(attempt_id, []) if isinstance(attempt_id, int) else []
    return {
        "name": result["name"],
        "status": result["status"],
        "reason": result.get("reason", ""),
        "attempt": attempts.get(attempt_id) if isinstance(attempt_id, int) else None,
        "read": [describe(item.reading) for item in checked],
        "warnings": [
            (str(w.get("code", "")), message_for(w))
            for item in checked
            for w in item.reading.warnings
        ],
        "set_aside": any(item.set_aside for item in checked),
    }


@login_required
def import_status(request: HttpRequest, reference: str, import_id: str) -> JsonResponse:
    job = _job(request, reference, import_id)
    return JsonResponse(
        {
            "state": job.state,
            "done": job.steps_done,
            "total": job.steps_total,
            "step": job.step,
            "error": job.error,
        }
    )


@login_required
@require_POST
def override(request: HttpRequest, reference: str, reading_id: int) -> HttpResponse:
    """Count a set-aside screenshot anyway: a new row with the volunteer's note, never an edit."""
    case = case_or_404(request, reference)
    reading = get_object_or_404(ScreenshotReading, case=case, pk=reading_id)
    form = OverrideForm(request.POST)
    if not readings.set_aside(reading):
        messages.info(request, _("Cette capture n'est pas mise de côté."))
        return redirect("case-detail", reference=case.reference)
    if not form.is_valid() or not form.cleaned_data["note"].strip():
        messages.error(request, _("Écrivez pourquoi vous gardez cette capture (une note)."))
        return redirect("case-detail", reference=case.reference)
    readings.record_override(reading, form.cleaned_data["note"], _user(request))
    Case.objects.filter(pk=case.pk).note_change()  # its stored verdict is now out of date
    audit.record(
        request.user, case.organisation, case.reference, AuditEvent.Action.CHANGE, "capture gardée"
    )
    messages.success(request, _("Capture gardée : la tentative est de nouveau comptée."))
    return redirect("case-detail", reference=case.reference)
