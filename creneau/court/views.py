"""The « Tribunal » page of a case: added documents, bundle builds, events, deadlines, next steps.

Every view finds the case through ``Case.objects.for_user``: anyone outside the case's
organisation gets a 404, as on the case page.
"""

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creneau.cases.access import case_or_404
from creneau.cases.downloads import folder_as_zip
from creneau.cases.models import Case, CourtEvent
from creneau.court import services
from creneau.court.bundle import BUNDLE_JSON
from creneau.court.calendar import ics
from creneau.court.followups import Proposal, deadlines, proposals
from creneau.court.forms import CaseDocumentForm, CourtEventForm
from creneau.court.models import BundleBuild
from creneau.court.tasks import build_bundle_task
from creneau.documents.exhibits import exhibits_for, to_add
from creneau.documents.generate import DocumentError, render_document
from creneau.evidence.models import CaseDocument
from creneau.evidence.uploads import MAX_BYTES, UploadError
from creneau.lib import storage


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _events(case: Case) -> list[CourtEvent]:
    return list(CourtEvent.objects.filter(case=case).order_by("occurred_on", "id"))


@login_required
def court_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    return _page(request, case, CourtEventForm(), CaseDocumentForm())


def _page(
    request: HttpRequest, case: Case, event_form: CourtEventForm, document_form: CaseDocumentForm
) -> HttpResponse:
    events = _events(case)
    today = timezone.localdate()
    return render(
        request,
        "court/court_page.html",
        {
            "case": case,
            "events": events,
            "deadlines": [(d, d.passed(today)) for d in deadlines(events)],
            "proposals": proposals(events, today),
            "documents": CaseDocument.objects.filter(case=case).select_related("upload"),
            # Exhibits still a placeholder page: the bundle would be incomplete.
            "to_add": to_add(exhibits_for(case)),
            "builds": [(b, missing_of(b)) for b in BundleBuild.objects.filter(case=case)[:5]],
            "event_form": event_form,
            "document_form": document_form,
        },
    )


@login_required
@require_POST
def event_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = CourtEventForm(request.POST)
    if not form.is_valid():
        return _page(request, case, form, CaseDocumentForm())
    services.record_event(case, _user(request), **form.cleaned_data)
    messages.success(request, _("Événement enregistré."))
    return redirect("court-page", case.reference)


@login_required
@require_POST
def document_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = CaseDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise UploadError(_("fichier trop lourd : 32 Mo au plus"))
            services.add_document(
                case,
                _user(request),
                kind=form.cleaned_data["kind"],
                label=form.cleaned_data["label"],
                data=upload.read(),
                filename=upload.name or "document",
            )
        except UploadError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Pièce ajoutée au dossier, gardée telle quelle."))
            return redirect("court-page", case.reference)
    return _page(request, case, CourtEventForm(), form)


@login_required
@require_POST
def bundle_start(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    options: dict[str, object] = {}
    if request.POST.get("proposal") == "requete":
        chosen = [p for p in proposals(_events(case), timezone.localdate()) if p.kind == "requete"]
        options = chosen[0].options if chosen else {}
    build = BundleBuild.objects.create(case=case, options=options, created_by=_user(request))
    build_bundle_task.enqueue(str(build.pk))
    return redirect("court-bundle", case.reference, build.pk)


def _build(request: HttpRequest, reference: str, build_id: str) -> BundleBuild:
    case = case_or_404(request, reference)
    return get_object_or_404(BundleBuild, case=case, pk=build_id)


@login_required
def bundle_page(request: HttpRequest, reference: str, build_id: str) -> HttpResponse:
    build = _build(request, reference, build_id)
    context = {"case": build.case, "build": build, "missing": missing_of(build)}
    return render(request, "court/bundle_page.html", context)


def missing_of(build: BundleBuild) -> list[str] | None:
    """What the built bundle lacks (its ``bundle.json``), ``None`` before it is built."""
    if build.state != BundleBuild.State.DONE:
        return None
    manifest = build.manifest if build.archive_id else _folder_manifest(build)
    if manifest is None:
        return None
    return [str(item) for item in manifest.get("missing", [])]


def _folder_manifest(build: BundleBuild) -> dict[str, Any] | None:
    """A build kept as a folder on the building host (before bundles went to the store)."""
    if not build.folder:
        return None
    try:
        manifest = json.loads((Path(build.folder) / BUNDLE_JSON).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


@login_required
def bundle_status(request: HttpRequest, reference: str, build_id: str) -> JsonResponse:
    build = _build(request, reference, build_id)
    return JsonResponse(
        {
            "state": build.state,
            "done": build.steps_done,
            "total": build.steps_total,
            "step": build.step,
            "error": build.error,
        }
    )


@login_required
def bundle_zip(request: HttpRequest, reference: str, build_id: str) -> HttpResponseBase:
    build = _build(request, reference, build_id)
    if build.state != BundleBuild.State.DONE:
        raise Http404
    filename = f"dossier-de-depot-{build.case.reference}.zip"
    if build.archive is None:  # an older build, kept as a folder on the host that built it
        if not build.folder or not Path(build.folder).is_dir():
            raise Http404
        return folder_as_zip(Path(build.folder), filename)
    try:
        archive = storage.spooled(build.archive.sha256)  # closed by FileResponse once sent
    except storage.Missing as missing:
        raise Http404 from missing
    except storage.Unavailable:
        message = _("Le stockage des preuves ne répond pas : réessayez dans un moment.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return FileResponse(archive, as_attachment=True, filename=filename)


@login_required
def calendar_ics(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    text = ics(case.reference, deadlines(_events(case)), timezone.now(), request.get_host())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="echeances-{case.reference}.ics"'
    return response


def _proposal(case: Case, kind: str) -> Proposal:
    for proposal in proposals(_events(case), timezone.localdate()):
        if proposal.kind == kind:
            return proposal
    raise Http404


@login_required
def execution_document(request: HttpRequest, reference: str, extension: str) -> HttpResponse:
    case = case_or_404(request, reference)
    if extension not in ("pdf", "docx"):
        raise Http404
    proposal = _proposal(case, "execution")
    try:
        document = render_document(case, "execution", **proposal.options)
    except DocumentError as error:
        messages.error(request, str(error))
        return redirect("court-page", case.reference)
    data, media = (
        (document.pdf, "application/pdf")
        if extension == "pdf"
        else (
            document.docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    response = HttpResponse(data, content_type=media)
    filename = f"demande-execution-{case.reference}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
