"""The case's latest stamped screenshots as one PDF, to attach to an e-mail or a letter.

Each stamped PNG becomes one A4 page through ``documents.pdfpages`` (the one module that turns
images into PDF pages), with the capture's date and address as a caption. The sealed originals
stay in the evidence store; this PDF is only a convenient copy.
"""

from dataclasses import dataclass

from django.utils import timezone

from creneau.cases.models import Case, Outcome
from creneau.documents.pdfpages import ImagePage, image_pages
from creneau.evidence.capture import STAMPED
from creneau.evidence.models import Artefact, Capture
from creneau.evidence.states import seal_stamps
from creneau.lib import storage

# Captures that show the booking did not work; a page offering slots proves nothing here.
SHOWN_OUTCOMES = (Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.QUEUE)
LATEST = 8  # enough to show repetition; more would make the message heavy for a prefecture inbox
# The file name says « horodatées » only when every capture in it has a token that verifies.
TIMESTAMPED_NAME = "captures-horodatees.pdf"
ATTACHMENT_NAME = "captures-d-ecran.pdf"


@dataclass(frozen=True)
class CapturesPdf:
    pdf: bytes
    count: int
    name: str = ATTACHMENT_NAME


def latest_captures(case: Case, limit: int = LATEST) -> list[Capture]:
    recent = Capture.objects.filter(case=case, outcome__in=SHOWN_OUTCOMES).order_by("-started_at")
    recent = recent.select_related("seal__manifest")
    return list(reversed(recent[:limit]))


def captures_pdf(case: Case, limit: int = LATEST) -> CapturesPdf | None:
    """One page per stamped screenshot, oldest first; ``None`` when the case has none."""
    shown = [(c, png) for c in latest_captures(case, limit) if (png := _stamped_png(c))]
    if not shown:
        return None
    pages = [
        ImagePage(png, str(number), (_caption(capture),))
        for number, (capture, png) in enumerate(shown, start=1)
    ]
    return CapturesPdf(image_pages(pages), len(pages), _name([c for c, _ in shown]))


def _caption(capture: Capture) -> str:
    at, address = timezone.localtime(capture.started_at), capture.final_url or capture.url
    return f"Page consultée le {at:%d/%m/%Y à %H:%M} (heure de Paris) : {address}"


def _name(captures: list[Capture]) -> str:
    """« horodatées » only when every capture's seal has a token that verifies now."""
    timestamped = all(seal_stamps(c.seal, c.started_at) for c in captures)
    return TIMESTAMPED_NAME if timestamped else ATTACHMENT_NAME


def _stamped_png(capture: Capture) -> bytes | None:
    artefact = Artefact.objects.filter(seal_id=capture.seal_id, name=STAMPED).first()
    if artefact is None:
        return None
    return storage.read(artefact.blob.sha256)
