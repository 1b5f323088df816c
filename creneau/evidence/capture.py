"""One sealed capture of a booking page: the evidence of one online attempt."""

import hashlib
import io
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from PIL import Image

from creneau.cases.models import Attempt, AttemptFile, Channel, Outcome
from creneau.evidence import browsing, folder, journal, seal
from creneau.evidence.models import Blob, Capture
from creneau.evidence.stamp import StampFacts, stamp
from creneau.watch.browser import PageSnapshot, Step
from creneau.watch.classify import Classification, classify

if TYPE_CHECKING:
    from creneau.cases.models import Case

SCREENSHOT = "screenshot.png"
STAMPED = "screenshot-stamped.png"
HTML = "page.html"
MHTML = "page.mhtml"
HEADERS = "headers.json"
DIALOGS = "dialogs.json"
JSON = "application/json"
ONLINE_OUTCOMES = frozenset(
    {"no_slot", "slots_available", "closed", "error", "captcha", "queue", "unknown"}
)


@dataclass(frozen=True)
class CaptureResult:
    capture_id: str
    outcome: str
    system: str
    matched: str
    state: str  # sealed / awaiting_timestamp
    files: dict[str, str]  # artefact name → sha256
    manifest_sha256: str
    tokens: int
    tsa_failures: tuple[str, ...]
    error: str
    folder: folder.Written | None
    captured_at: datetime


def capture(
    url: str,
    *,
    steps: Sequence[Step] = (),
    case: "Case | None" = None,
    out_dir: Path | None = None,
) -> CaptureResult:
    """Visit ``url``, judge it, and keep a sealed record of what was shown.

    (1) snapshot through the browser seam, (2) classify (pure), (3) stamp a copy of the
    screenshot, (4) store the artefacts, (5) manifest + RFC 3161 tokens, (6) database rows in
    one transaction, (7) optionally write the verifiable folder ``out_dir``.
    A failed visit is still captured, with outcome ``error``.
    """
    capture_id = uuid.uuid4()
    snap = browsing.snapshot(url, steps)  # (1)
    clock = time.monotonic()
    verdict = _judge(snap)  # (2)
    timings = {**snap.timings, "classify": time.monotonic() - clock}
    files = _artefacts(snap, verdict, capture_id, case)  # (3)
    timings["stamp"] = time.monotonic() - clock - timings["classify"]
    metadata = _metadata(snap, verdict, capture_id, case, timings)
    sealed = seal.store_and_timestamp("capture", files, metadata)  # (4) (5)
    with transaction.atomic():  # (6)
        row = _record(snap, verdict, capture_id, case, sealed, files)
    written = folder.write(row.seal, Path(out_dir)) if out_dir else None  # (7)
    return CaptureResult(
        capture_id=str(capture_id),
        outcome=verdict.outcome,
        system=verdict.system,
        matched=verdict.matched,
        state=row.seal.state,
        files={f.name: hashlib.sha256(f.data).hexdigest() for f in files},
        manifest_sha256=row.seal.manifest.sha256,
        tokens=len(sealed.tokens),
        tsa_failures=sealed.failures,
        error=snap.error,
        folder=written,
        captured_at=snap.finished_at,
    )


def _judge(snap: PageSnapshot) -> Classification:
    """The classifier's verdict, overruled to ``error`` whenever the visit itself failed."""
    verdict = classify(
        snap.html,
        status=snap.status,
        final_url=snap.final_url,
        dialogs=snap.dialogs,
        visible_text=snap.visible_text,
    )
    if snap.error or not snap.screenshot:
        return Classification(outcome="error", system=verdict.system, needs_review=True)
    if verdict.outcome not in ONLINE_OUTCOMES:
        return Classification(outcome="unknown", system=verdict.system, needs_review=True)
    return verdict


def _artefacts(
    snap: PageSnapshot, verdict: Classification, capture_id: uuid.UUID, case: "Case | None"
) -> list[seal.File]:
    original = snap.screenshot or _blank_page()
    with translation.override("fr"):
        label = f"{Outcome(verdict.outcome).label} ({verdict.outcome})"
    facts = StampFacts(
        captured_at=snap.finished_at,
        url=snap.final_url or snap.requested_url,
        outcome=label,
        capture_id=str(capture_id),
        server_date=snap.header("date"),
        case_reference=case.reference if case else "",
        dialogs=snap.dialogs,
        error=snap.error,
    )
    files = [seal.File(SCREENSHOT, snap.screenshot, "image/png")] if snap.screenshot else []
    files += [
        seal.File(STAMPED, stamp(original, facts), "image/png"),
        seal.File(HTML, snap.html.encode(), "text/html; charset=utf-8"),
        seal.File(HEADERS, seal.canonical_json([list(h) for h in snap.headers]), JSON),
        seal.File(DIALOGS, seal.canonical_json(list(snap.dialogs)), JSON),
    ]
    if snap.mhtml:
        files.append(seal.File(MHTML, snap.mhtml, "multipart/related"))
    return files


def _blank_page() -> bytes:
    """A white page to carry the stamp when the browser could not take a screenshot."""
    out = io.BytesIO()
    Image.new("RGB", (1366, 200), "white").save(out, "PNG")
    return out.getvalue()


def _metadata(
    snap: PageSnapshot,
    verdict: Classification,
    capture_id: uuid.UUID,
    case: "Case | None",
    timings: dict[str, float],
) -> dict[str, Any]:
    return {
        "capture_id": str(capture_id),
        "case": case.reference if case else None,
        "url": snap.requested_url,
        "final_url": snap.final_url,
        "status": snap.status,
        "outcome": verdict.outcome,
        "system": verdict.system,
        "matched": verdict.matched,
        "error": snap.error,
        "started_at": snap.started_at.astimezone(UTC).isoformat(),
        "finished_at": snap.finished_at.astimezone(UTC).isoformat(),
        "server_date": snap.header("date"),
        "clock": {
            "source": "system clock of the capturing host (UTC)",
            "sealed_time": "genTime of each RFC 3161 token",
        },
        "browser": {
            "version": snap.browser_version,
            "user_agent": snap.user_agent,
            "viewport_width": snap.viewport_width,
        },
        "software": seal.software_versions(),
        "timings": {key: round(value, 3) for key, value in sorted(timings.items())},
    }


def _record(
    snap: PageSnapshot,
    verdict: Classification,
    capture_id: uuid.UUID,
    case: "Case | None",
    sealed: seal.Sealed,
    files: Sequence[seal.File],
) -> Capture:
    return Capture.objects.create(
        id=capture_id,
        url=snap.requested_url,
        final_url=snap.final_url,
        status=snap.status,
        outcome=verdict.outcome,
        system=verdict.system,
        matched=verdict.matched,
        error=snap.error,
        started_at=snap.started_at,
        finished_at=snap.finished_at,
        browser_version=snap.browser_version,
        user_agent=snap.user_agent,
        case=case,
        seal=seal.record(sealed, files),
    )


def link_attempt(capture_id: str, attempt: Attempt) -> None:
    """Attach the Attempt recorded for a capture (allowed once: the field starts empty)."""
    with transaction.atomic():
        row = Capture.objects.select_for_update().get(pk=capture_id)
        if row.attempt_id not in (None, attempt.pk):
            raise ValueError(f"capture {capture_id} already belongs to another attempt")
        row.attempt = attempt
        row.save(update_fields=["attempt"])


def record_attempt(result: CaptureResult, case: "Case") -> Attempt:
    """The online Attempt of a capture: linked to it, stamped screenshot attached, journalled."""
    with transaction.atomic():
        attempt = Attempt.objects.create(
            case=case,
            channel=Channel.ONLINE,
            at=result.captured_at,
            outcome=result.outcome,
            source=Attempt.Source.SEALED,
            note=result.error,
        )
        link_attempt(result.capture_id, attempt)
        AttemptFile.objects.create(
            attempt=attempt, blob=Blob.objects.get(sha256=result.files[STAMPED]), name=STAMPED
        )
    journal.append_attempt(attempt)
    return attempt
