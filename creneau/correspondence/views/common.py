"""What every correspondence view shares: the case (404 outside its organisation) and documents."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.filing import filing_route
from creneau.cases.models import Attempt, Case
from creneau.correspondence.anef import not_a_filing
from creneau.documents.generate import DocumentError, render_document
from creneau.evidence.states import evidence_for

# Downloads are named in the interface's language (« lettre-K7M2PQ9X.pdf »), never by code name.
FILE_STEMS = {
    "email": "courriel",
    "letter": "lettre",
    "attestation": "attestation-temoin",
    "ddd": "saisine-defenseur-des-droits",
    "ccc": "message-centre-contact",
    "substitution": "demande-substitution",
    "requete": "requete",
    "execution": "demande-execution",
    "summary": "note-avocat",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def page(
    request: HttpRequest, template: str, case: Case, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    route = filing_route(case)  # the pages speak of the route the case follows (ANEF or not)
    notice = not_a_filing() if route.is_anef else ""
    context = {"case": case, "filing": route, "not_a_filing": notice, **context}
    return render(request, f"correspondence/{template}", context, status=status)


def document_download(
    request: HttpRequest, case: Case, kind: str, fmt: str, back: str, **options: Any
) -> HttpResponse:
    """A generated document as a file; a readable message on the page it came from if not."""
    try:
        document = render_document(case, kind, **options)
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(back, reference=case.reference)
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.DOCUMENT, kind)
    data = document.pdf if fmt == "pdf" else document.docx
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"{FILE_STEMS.get(kind, 'document')}-{case.reference}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def recorded(request: HttpRequest, done: str, attempt: Attempt) -> None:
    """A success message saying how the attempt is proven, in the one vocabulary of states."""
    state = evidence_for(attempt).label
    text = _("%(done)s Tentative « %(state)s ».") % {"done": done, "state": state}
    messages.success(request, text)
