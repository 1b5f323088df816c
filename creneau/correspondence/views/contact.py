"""The ANEF contact centre (CCC) and points d'accueil numérique; the Défenseur des droits."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creneau.cases.access import case_or_404
from creneau.cases.models import Case, Channel, Outcome
from creneau.correspondence import anef
from creneau.correspondence.forms import CccForm, DddForm, read
from creneau.correspondence.recording import record
from creneau.correspondence.views.common import document_download, page, recorded
from creneau.documents.generate import DocumentError, draft_document
from creneau.evidence.attempts import Incoming
from creneau.evidence.uploads import UploadError


def _proof(form: CccForm | DddForm, stem: str) -> list[Incoming]:
    upload = form.cleaned_data.get("proof")
    return [Incoming(read(upload), upload.name or stem, stem)] if upload else []


def ccc_note(data: dict[str, Any]) -> str:
    via = dict(CccForm.VIA)[data["via"]]
    lines = [f"Contact : {via}."]
    if data["ticket"]:
        lines.append(f"Ticket n° {data['ticket']}.")
    if data["answer"].strip():
        lines.append(f"Réponse : {data['answer'].strip()}")
    if data.get("certifies"):
        lines.append("La réponse jointe atteste que le dépôt en ligne est impossible.")
    return "\n".join(lines)


def _ccc_page(
    request: HttpRequest, case: Case, form: CccForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form or CccForm(),
        "why": anef.why_contact(),
        "contacts": anef.journey_attempts(case, Channel.CCC),
    }
    return page(request, "ccc.html", case, context, status)


@login_required
@require_GET
def ccc_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _ccc_page(request, case_or_404(request, reference))


@login_required
@require_GET
def ccc_document(request: HttpRequest, reference: str) -> HttpResponse:
    return document_download(request, case_or_404(request, reference), "ccc", "pdf", "ccc")


@login_required
@require_POST
def ccc_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = CccForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ccc_page(request, case, form, 400)
    data = form.cleaned_data
    try:
        attempt = record(
            case,
            channel=Channel.CCC,
            outcome=data["outcome"],
            at=data["at"],
            note=ccc_note(data),
            user=request.user,
            files=_proof(form, "centre-de-contact"),
            detail={
                "via": data["via"],
                "ticket": data["ticket"].strip(),
                "certifies_impossibility": bool(data.get("certifies")),
            },
        )
    except UploadError as exc:
        form.add_error("proof", str(exc))
        return _ccc_page(request, case, form, 400)
    recorded(request, _("Contact avec le centre de contact citoyen enregistré."), attempt)
    return redirect("case-detail", reference=case.reference)


def _ddd_page(
    request: HttpRequest, case: Case, form: DddForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        text, error = draft_document(case, "ddd").text, ""
    except DocumentError as exc:
        text, error = "", str(exc)
    context = {"form": form or DddForm(), "text": text, "document_error": error}
    return page(request, "ddd.html", case, context, status)


@login_required
@require_GET
def ddd_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _ddd_page(request, case_or_404(request, reference))


@login_required
@require_GET
def ddd_document(request: HttpRequest, reference: str) -> HttpResponse:
    return document_download(request, case_or_404(request, reference), "ddd", "pdf", "ddd")


@login_required
@require_POST
def ddd_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = DddForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ddd_page(request, case, form, 400)
    data = form.cleaned_data
    via = dict(DddForm.VIA)[data["via"]]
    note = f"Saisine du Défenseur des droits : {via}." + (
        f" Dossier n° {data['reference']}." if data["reference"] else ""
    )
    try:
        attempt = record(
            case,
            channel=Channel.DDD,
            outcome=Outcome.SENT,
            at=data["at"],
            note=note,
            user=request.user,
            files=_proof(form, "defenseur-des-droits"),
        )
    except UploadError as exc:
        form.add_error("proof", str(exc))
        return _ddd_page(request, case, form, 400)
    recorded(request, _("Saisine du Défenseur des droits enregistrée."), attempt)
    return redirect("case-detail", reference=case.reference)
