"""Counter visits, and the witness's attestation (identity written by hand, never stored)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creneau.cases.access import case_or_404
from creneau.cases.models import Attempt, Case, Channel
from creneau.correspondence.forms import AttestationForm, CounterVisitForm, read
from creneau.correspondence.models import CounterVisit
from creneau.correspondence.recording import attach_later, record
from creneau.correspondence.views.common import document_download, page, recorded
from creneau.evidence.attempts import Incoming
from creneau.evidence.uploads import UploadError

WITNESS_ATTESTATION = "attestation de témoin signée"


def _counter_page(
    request: HttpRequest,
    case: Case,
    *,
    form: CounterVisitForm | None = None,
    upload: tuple[int, AttestationForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    visits = CounterVisit.objects.filter(attempt__case=case).select_related("attempt", "site")
    failed = dict([upload]) if upload else {}
    rows = [
        (visit, failed.get(visit.attempt_id) or AttestationForm(prefix=_prefix(visit.attempt_id)))
        for visit in visits.prefetch_related("attempt__files").order_by("-attempt__at")
    ]
    context = {"form": form or CounterVisitForm(case=case), "visits": rows}
    return page(request, "counter.html", case, context, status)


@login_required
@require_GET
def counter_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _counter_page(request, case_or_404(request, reference))


@login_required
@require_POST
def counter_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = CounterVisitForm(request.POST, case=case)
    if not form.is_valid():
        return _counter_page(request, case, form=form, status=400)
    data = form.cleaned_data
    lines = [f"Lieu : {data['site'].name}.", data["said"].strip()]
    if data["witnessed"]:
        lines.append("Une personne accompagnait et peut en témoigner.")
    with transaction.atomic():
        attempt = record(
            case,
            channel=Channel.COUNTER,
            outcome=data["outcome"],
            at=data["at"],
            note="\n".join(lines),
            user=request.user,
        )
        CounterVisit.objects.create(attempt=attempt, site=data["site"], witnessed=data["witnessed"])
    recorded(request, _("Présentation au guichet enregistrée."), attempt)
    return redirect("counter", reference=case.reference)


def _prefix(attempt_id: int) -> str:
    """One attestation form per visit on the page: distinct field names and ids."""
    return f"visit{attempt_id}"


def _visit(case: Case, attempt_id: int) -> Attempt:
    return get_object_or_404(Attempt, pk=attempt_id, case=case, channel=Channel.COUNTER)


@login_required
@require_GET
def counter_attestation(request: HttpRequest, reference: str, attempt_id: int) -> HttpResponse:
    case = case_or_404(request, reference)
    visit = _visit(case, attempt_id)
    return document_download(request, case, "attestation", "pdf", "counter", attempt=visit.pk)


@login_required
@require_POST
def counter_attestation_upload(
    request: HttpRequest, reference: str, attempt_id: int
) -> HttpResponse:
    case = case_or_404(request, reference)
    visit = _visit(case, attempt_id)
    form = AttestationForm(request.POST, request.FILES, prefix=_prefix(visit.pk))
    if form.is_valid():
        scan = form.cleaned_data["scan"]
        try:
            incoming = Incoming(read(scan), scan.name or "attestation", "attestation-temoin")
            attach_later(visit, incoming, request.user, WITNESS_ATTESTATION)
        except UploadError as exc:
            form.add_error("scan", str(exc))
        else:
            recorded(request, _("Attestation du témoin jointe à la visite."), visit)
            return redirect("counter", reference=case.reference)
    return _counter_page(request, case, upload=(visit.pk, form), status=400)
