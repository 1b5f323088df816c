"""The evidence viewer: what proves one attempt, opened from the case page.

A sealed capture shows its stamped screenshot inline (what a judge looks at), then its original
screenshot and other artefacts, whether the stored bytes still match their digests, and whether
a timestamp token verifies (« horodatée » only then); the whole sealed folder downloads as a zip
a judge can check with standard tools. Files attached to a declared attempt are listed the same
way. Only images and PDF files open in the browser; everything else (a prefecture's HTML page, an
e-mail) is a download, never rendered on Créneau's origin.
"""

import hashlib
import mimetypes
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.access import case_or_404
from creneau.cases.downloads import folder_as_zip
from creneau.cases.models import Attempt, AttemptFile
from creneau.desk.timeline import failure_of
from creneau.evidence import folder
from creneau.evidence.capture import SCREENSHOT, STAMPED
from creneau.evidence.models import Artefact, Capture
from creneau.evidence.states import evidence_for, timestamp_status
from creneau.lib import storage

# Opened in the page; anything else is downloaded (never rendered as a page of this site).
INLINE = frozenset({"image/png", "image/jpeg", "image/webp", "application/pdf"})


@dataclass(frozen=True)
class Shown:
    """One file of the attempt, as the viewer lists it."""

    name: str
    sha256: str
    media_type: str
    size: int
    condition: str  # "intact", "damaged" (no longer hashes to its name), "missing", "unreachable"

    @property
    def intact(self) -> bool:
        return self.condition == "intact"

    @property
    def image(self) -> bool:
        return self.media_type.startswith("image/") and self.media_type in INLINE


@dataclass(frozen=True)
class SealedCapture:
    capture: Capture
    stamped: Shown | None
    files: list[Shown]
    timestamp: dict[str, object]


def _kind(name: str, media_type: str) -> str:
    kind = media_type.split(";")[0].strip() or mimetypes.guess_type(name)[0] or ""
    return kind or "application/octet-stream"


def _condition(sha256: str) -> str:
    """What the store says of the file now; a store that does not answer proves nothing."""
    try:
        data = storage.read(sha256)
    except storage.Missing:
        return "missing"
    except storage.Unavailable:
        return "unreachable"
    return "intact" if hashlib.sha256(data).hexdigest() == sha256 else "damaged"


def _shown(name: str, sha256: str, media_type: str, size: int) -> Shown:
    return Shown(name, sha256, _kind(name, media_type), size, _condition(sha256))


def _matches(held: IO[bytes], sha256: str) -> bool:
    digest = hashlib.sha256()
    while chunk := held.read(storage.CHUNK_BYTES):
        digest.update(chunk)
    held.seek(0)
    return digest.hexdigest() == sha256


def _captures(attempt: Attempt) -> list[SealedCapture]:
    found = []
    for capture in Capture.objects.filter(attempt=attempt).select_related("seal"):
        artefacts = Artefact.objects.filter(seal=capture.seal).select_related("blob")
        files = [_shown(a.name, a.blob.sha256, a.media_type, a.blob.size) for a in artefacts]
        order = {STAMPED: 0, SCREENSHOT: 1}
        files.sort(key=lambda shown: (order.get(shown.name, 2), shown.name))
        stamped = next((f for f in files if f.name == STAMPED), None)
        found.append(
            SealedCapture(
                capture, stamped, files, timestamp_status(capture.seal, capture.started_at)
            )
        )
    return found


def _attached(attempt: Attempt, captures: list[SealedCapture]) -> list[Shown]:
    """Files attached to the attempt that are not already shown with its sealed capture."""
    sealed = {shown.sha256 for capture in captures for shown in capture.files}
    rows = AttemptFile.objects.filter(attempt=attempt).select_related("blob")
    rows = rows.exclude(blob__sha256__in=sealed)
    return [_shown(f.name, f.blob.sha256, f.blob.media_type, f.blob.size) for f in rows]


def _attempt(request: HttpRequest, reference: str, attempt_id: int) -> Attempt:
    case = case_or_404(request, reference)
    attempt = get_object_or_404(Attempt, pk=attempt_id, case=case)
    audit.record(request.user, case.organisation, case.reference, AuditEvent.Action.VIEW, "preuve")
    return attempt


@login_required
def viewer(request: HttpRequest, reference: str, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, reference, attempt_id)
    captures = _captures(attempt)
    status, error = (
        (captures[0].capture.status, captures[0].capture.error)
        if captures
        else (
            None,
            "",
        )
    )
    context = {
        "case": attempt.case,
        "attempt": attempt,
        "evidence": evidence_for(attempt),
        "captures": captures,
        "attached": _attached(attempt, captures),
        "failure": failure_of(attempt.outcome, status, error)
        if attempt.channel == "online"
        else None,
    }
    return render(request, "desk/evidence.html", context)


def _belongs(attempt: Attempt, sha256: str) -> tuple[str, str] | None:
    """(file name, media type) when the digest is one of the attempt's files, else None."""
    artefact = (
        Artefact.objects.filter(seal__capture__attempt=attempt, blob__sha256=sha256)
        .values_list("name", "media_type")
        .first()
    )
    if artefact:
        return artefact
    attached = (
        AttemptFile.objects.filter(attempt=attempt, blob__sha256=sha256)
        .values_list("name", "blob__media_type")
        .first()
    )
    return attached


def _store_unavailable() -> HttpResponse:
    message = _("Le stockage des preuves ne répond pas : réessayez dans un moment.")
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


@login_required
def evidence_file(
    request: HttpRequest, reference: str, attempt_id: int, sha256: str
) -> HttpResponseBase:
    attempt = _attempt(request, reference, attempt_id)
    found = _belongs(attempt, sha256)
    if found is None:
        raise Http404
    name, media_type = found
    kind = _kind(name, media_type)
    try:  # read once from the store (local folder or bucket), checked, then sent from the copy
        held = storage.spooled(sha256)
    except storage.Missing as missing:
        raise Http404 from missing
    except storage.Unavailable:
        return _store_unavailable()
    if not _matches(held, sha256):  # never hand out bytes that no longer match what was sealed
        held.close()
        raise Http404
    inline = kind in INLINE and request.GET.get("telecharger") is None
    response = FileResponse(held, as_attachment=not inline, filename=name, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


@login_required
def sealed_folder(
    request: HttpRequest, reference: str, attempt_id: int, capture_id: str
) -> HttpResponseBase:
    """The capture's sealed folder (artefacts, manifest, tokens, SHA256SUMS) as a zip."""
    attempt = _attempt(request, reference, attempt_id)
    capture = get_object_or_404(Capture, pk=capture_id, attempt=attempt)
    with tempfile.TemporaryDirectory() as work:
        try:
            folder.write(capture.seal, Path(work))
        except storage.Unavailable:
            return _store_unavailable()
        started = capture.started_at.strftime("%Y-%m-%d-%Hh%M")
        return folder_as_zip(Path(work), f"capture-{attempt.case.reference}-{started}.zip")
