"""« Parcours ANEF »: the démarche, the blockings observed, and the points d'accueil numérique.

A blocking is an online attempt on the téléservice with its capture (sealed on arrival) and the
page and message seen; a visit to a point d'accueil numérique is a ``pan`` attempt, witnessed or
not (the witness writes their own attestation, never stored here). Both go through
``correspondence.recording.record``, the members' path to ``evidence.attempts.record_attempt``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creneau.cases.access import case_or_404
from creneau.cases.filing import filing_route
from creneau.cases.models import AnefJourney, Attempt, Case, Channel
from creneau.correspondence import anef
from creneau.correspondence.anef_forms import AnefJourneyForm, BlockingForm, PanVisitForm
from creneau.correspondence.forms import AttestationForm, read
from creneau.correspondence.recording import attach_later, record, seal_all
from creneau.correspondence.views.common import document_download, page
from creneau.correspondence.views.counter import WITNESS_ATTESTATION
from creneau.evidence.attempts import Incoming
from creneau.evidence.uploads import UploadError
from creneau.screenshots.offered import read_offered
from creneau.screenshots.telling import tell_volunteer


def _journey(case: Case) -> AnefJourney:
    return AnefJourney.objects.filter(case=case).first() or AnefJourney(case=case)


def _anef_page(
    request: HttpRequest,
    case: Case,
    *,
    journey: AnefJourneyForm | None = None,
    blocking: BlockingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "route": filing_route(case),
        "journey_form": journey or AnefJourneyForm(instance=_journey(case)),
        "blocking_form": blocking or BlockingForm(),
        "blockings": anef.journey_attempts(case, *anef.BLOCKING_CHANNELS),
        "contacts": anef.journey_attempts(case, Channel.CCC, Channel.PAN),
        "not_a_filing": anef.not_a_filing(),
    }
    return page(request, "anef.html", case, context, status)


@login_required
@require_GET
def anef_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _anef_page(request, case_or_404(request, reference))


@login_required
@require_POST
def anef_journey(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = AnefJourneyForm(request.POST, instance=_journey(case))
    if not form.is_valid():
        return _anef_page(request, case, journey=form, status=400)
    form.save()
    messages.success(request, _("Démarche ANEF enregistrée."))
    return redirect("anef", reference=case.reference)


def blocking_note(data: dict[str, Any]) -> str:
    step = data["step"].strip()
    message = data["message"].strip()
    lines = ["Téléservice ANEF" + (f", étape « {step} »" if step else "") + "."]
    if message:
        lines.append(f"Message affiché : « {message} »")
    return "\n".join(lines)


@login_required
@require_POST
def anef_blocking(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = BlockingForm(request.POST, request.FILES)
    if not form.is_valid():
        return _anef_page(request, case, blocking=form, status=400)
    data = form.cleaned_data
    upload = data["screenshot"]
    try:
        screenshot = Incoming(read(upload), upload.name or "capture", "capture-anef")
        filed = seal_all(case, [screenshot])
        # What the screenshot shows (place, time, a picture already used) is read and kept.
        offered = read_offered(
            case, [screenshot], declared_at=data["at"], declared_outcome=data["outcome"]
        )
        record(
            case,
            channel=Channel.ONLINE,
            outcome=data["outcome"],
            at=data["at"],
            note=blocking_note(data),
            user=request.user,
            files=filed,
            detail={"step": data["step"].strip(), "message": data["message"].strip()},
            offered=offered,
        )
    except UploadError as exc:
        form.add_error("screenshot", str(exc))
        return _anef_page(request, case, blocking=form, status=400)
    messages.success(request, _("Blocage du téléservice enregistré, capture scellée."))
    tell_volunteer(request, offered)
    return redirect("anef", reference=case.reference)


def _pan_page(
    request: HttpRequest,
    case: Case,
    *,
    form: PanVisitForm | None = None,
    upload: tuple[int, AttestationForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    failed = dict([upload]) if upload else {}
    visits = [
        (visit, failed.get(visit.pk) or AttestationForm(prefix=_prefix(visit.pk)))
        for visit in anef.journey_attempts(case, Channel.PAN)
    ]
    context = {
        "form": form or PanVisitForm(case=case),
        "visits": visits,
        "why": anef.why_contact(),
    }
    return page(request, "pan.html", case, context, status)


def _prefix(attempt_id: int) -> str:
    return f"pan{attempt_id}"


@login_required
@require_GET
def pan_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _pan_page(request, case_or_404(request, reference))


def pan_note(data: dict[str, Any]) -> str:
    lines = [f"Point d'accueil numérique : {data['site'].name}."]
    if data["said"].strip():
        lines.append(data["said"].strip())
    if data["witnessed"]:
        lines.append("Une personne accompagnait et peut en témoigner.")
    if data["certifies"]:
        lines.append("Le document joint constate que le dépôt en ligne est impossible.")
    return "\n".join(lines)


@login_required
@require_POST
def pan_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = PanVisitForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        return _pan_page(request, case, form=form, status=400)
    data = form.cleaned_data
    proof = data.get("proof")
    try:
        record(
            case,
            channel=Channel.PAN,
            outcome=data["outcome"],
            at=data["at"],
            note=pan_note(data),
            user=request.user,
            files=[Incoming(read(proof), proof.name or "document", "point-d-accueil")]
            if proof
            else [],
            detail={
                "site": data["site"],
                "witnessed": data["witnessed"],
                "certifies_impossibility": data["certifies"],
            },
        )
    except UploadError as exc:
        form.add_error("proof", str(exc))
        return _pan_page(request, case, form=form, status=400)
    messages.success(request, _("Visite au point d'accueil numérique enregistrée."))
    return redirect("pan", reference=case.reference)


def _visit(case: Case, attempt_id: int) -> Attempt:
    return get_object_or_404(Attempt, pk=attempt_id, case=case, channel=Channel.PAN)


@login_required
@require_GET
def pan_attestation(request: HttpRequest, reference: str, attempt_id: int) -> HttpResponse:
    case = case_or_404(request, reference)
    visit = _visit(case, attempt_id)
    return document_download(request, case, "attestation", "pdf", "pan", attempt=visit.pk)


@login_required
@require_POST
def pan_attestation_upload(request: HttpRequest, reference: str, attempt_id: int) -> HttpResponse:
    case = case_or_404(request, reference)
    visit = _visit(case, attempt_id)
    form = AttestationForm(request.POST, request.FILES, prefix=_prefix(visit.pk))
    if form.is_valid():
        scan = form.cleaned_data["scan"]
        incoming = Incoming(read(scan), scan.name or "attestation", "attestation-temoin")
        try:
            attach_later(visit, incoming, request.user, WITNESS_ATTESTATION)
        except UploadError as exc:
            form.add_error("scan", str(exc))
        else:
            messages.success(request, _("Attestation du témoin jointe à la visite et scellée."))
            return redirect("pan", reference=case.reference)
    return _pan_page(request, case, upload=(visit.pk, form), status=400)
