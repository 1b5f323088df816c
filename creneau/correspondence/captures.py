"""The case's latest stamped screenshots as one PDF, to attach to an e-mail or a letter.

The documents app offers no captures PDF, so this small function lives here and uses img2pdf
alone: each stamped PNG becomes one page as wide as A4, as tall as the screenshot needs. The
sealed originals stay in the evidence store; this PDF is only a convenient copy.
"""

import io
from dataclasses import dataclass

import img2pdf
from PIL import Image

from creneau.cases.models import Case, Outcome
from creneau.evidence.capture import STAMPED
from creneau.evidence.models import Artefact, Capture
from creneau.evidence.states import seal_stamps
from creneau.lib import storage

# Captures that show the booking did not work; a page offering slots proves nothing here.
SHOWN_OUTCOMES = (Outcome.NO_SLOT, Outcome.CLOSED, Outcome.ERROR, Outcome.QUEUE)
LATEST = 8  # enough to show repetition; more would make the message heavy for a prefecture inbox
PAGE_WIDTH = img2pdf.mm_to_pt(210)
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
    found = [(c, png) for c in latest_captures(case, limit) if (png := _stamped_png(c))]
    captures = [capture for capture, _ in found]
    images = [_opaque(png) for _, png in found]
    if not images:
        return None
    layout = img2pdf.get_layout_fun((PAGE_WIDTH, None))
    pdf = img2pdf.convert(images, layout_fun=layout, allow_oversized=True)
    assert isinstance(pdf, bytes)
    return CapturesPdf(pdf, len(images), _name(captures))


def _name(captures: list[Capture]) -> str:
    """« horodatées » only when every capture's seal has a token that verifies now."""
    timestamped = all(seal_stamps(c.seal, c.started_at) for c in captures)
    return TIMESTAMPED_NAME if timestamped else ATTACHMENT_NAME


def _stamped_png(capture: Capture) -> bytes | None:
    artefact = Artefact.objects.filter(seal_id=capture.seal_id, name=STAMPED).first()
    if artefact is None:
        return None
    return storage.read(artefact.blob.sha256)


def _opaque(png: bytes) -> bytes:
    """img2pdf refuses transparency (it cannot be kept losslessly): flatten it onto white."""
    with Image.open(io.BytesIO(png)) as image:
        if image.mode in {"RGB", "L"}:
            return png
        flat = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "PNG")
    return out.getvalue()
