"""« Préparer une lettre recommandée »: the letter, its posting, its avis de réception."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creneau.cases.access import case_or_404
from creneau.cases.models import Case, Channel
from creneau.correspondence.anef import written_request
from creneau.correspondence.forms import LetterSentForm, ReceiptForm, read
from creneau.correspondence.models import RegisteredLetter
from creneau.correspondence.recording import record, seal_all
from creneau.correspondence.sending import prefecture_site
from creneau.correspondence.views.common import document_download, page, recorded
from creneau.evidence.attempts import Incoming
from creneau.evidence.uploads import UploadError


def _letter_page(
    request: HttpRequest,
    case: Case,
    *,
    sent: LetterSentForm | None = None,
    receipt: ReceiptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    letters = RegisteredLetter.objects.filter(case=case)
    context = {
        "site": prefecture_site(case),
        "sent_form": sent or LetterSentForm(),
        "receipt_form": receipt or ReceiptForm(case=case),
        "letters": letters.select_related("sent", "receipt"),
        "awaiting_receipt": letters.filter(receipt__isnull=True).exists(),
    }
    return page(request, "letter.html", case, context, status)


@login_required
@require_GET
def letter_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _letter_page(request, case_or_404(request, reference))


@login_required
@require_GET
def letter_document(request: HttpRequest, reference: str, fmt: str) -> HttpResponse:
    if fmt not in {"pdf", "docx"}:
        raise Http404
    return document_download(request, case_or_404(request, reference), "letter", fmt, "letter")


@login_required
@require_POST
def letter_sent(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = LetterSentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _letter_page(request, case, sent=form, status=400)
    data = form.cleaned_data
    proof = data.get("proof")
    try:
        incoming = (
            [Incoming(read(proof), proof.name or "depot", "preuve-de-depot")] if proof else []
        )
        files = seal_all(case, incoming)  # before the transaction: no timestamp request in it
        with transaction.atomic():
            detail, purpose = written_request(case)
            note = f"Lettre recommandée avec avis de réception n° {data['tracking_number']}."
            attempt = record(
                case,
                channel=Channel.LETTER,
                outcome="sent",
                at=data["at"],
                note=f"{note} {purpose}".strip(),
                user=request.user,
                files=files,
                detail=detail,
            )
            RegisteredLetter.objects.create(
                case=case, tracking_number=data["tracking_number"], sent=attempt
            )
    except UploadError as exc:
        form.add_error("proof", str(exc))
        return _letter_page(request, case, sent=form, status=400)
    recorded(request, _("Envoi de la lettre recommandée enregistré."), attempt)
    return redirect("letter", reference=case.reference)


@login_required
@require_POST
def letter_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_or_404(request, reference)
    form = ReceiptForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        return _letter_page(request, case, receipt=form, status=400)
    data = form.cleaned_data
    letter: RegisteredLetter = data["letter"]
    scan = data["scan"]
    delivered = data["outcome"] == "delivered"
    what = "distribuée" if delivered else "refusée ou non réclamée"
    try:
        files = seal_all(case, [Incoming(read(scan), scan.name or "avis", "avis-de-reception")])
        with transaction.atomic():
            letter.receipt = record(
                case,
                channel=Channel.LETTER,
                outcome=data["outcome"],
                at=data["at"],
                note=f"Avis de réception de la lettre n° {letter.tracking_number} : {what}.",
                user=request.user,
                files=files,
            )
            letter.save(update_fields=["receipt"])
    except UploadError as exc:
        form.add_error("scan", str(exc))
        return _letter_page(request, case, receipt=form, status=400)
    recorded(request, _("Avis de réception enregistré."), letter.receipt)
    return redirect("letter", reference=case.reference)
