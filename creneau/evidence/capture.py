"""One sealed capture of a booking page: the evidence of one online attempt."""

import hashlib
import io
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from PIL import Image

from creneau.cases.models import Attempt, AttemptFile, Channel, Outcome
from creneau.cases.recording import attempt_recorded
from creneau.evidence import folder, seal
from creneau.evidence.models import Capture
from creneau.evidence.stamp import StampFacts, stamp
from creneau.lib import browsing
from creneau.lib.browser import PageSnapshot, Step
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


# A driver's reading of its own pages (its configured texts, its probes), used instead of the
# generic classifier when given; the failures below overrule it either way.
Judge = Callable[[PageSnapshot], Classification]


def capture(
    url: str,
    *,
    steps: Sequence[Step] = (),
    case: "Case | None" = None,
    out_dir: Path | None = None,
    judge: Judge | None = None,
    allow_local: bool | None = None,
) -> CaptureResult:
    """Visit ``url``, judge it, and keep a sealed record of what was shown.

    (1) snapshot through the browser seam, then :func:`seal_snapshot`. ``allow_local`` as in
    :func:`creneau.lib.browsing.snapshot` (None: the caller's context, else the setting).
    A failed visit is still captured, with outcome ``error``.
    """
    snap = browsing.snapshot(url, steps, allow_local=allow_local)  # (1)
    return seal_snapshot(snap, case=case, out_dir=out_dir, judge=judge)


def seal_snapshot(
    snap: PageSnapshot,
    *,
    case: "Case | None" = None,
    out_dir: Path | None = None,
    judge: Judge | None = None,
    verdict: Classification | None = None,
    note: str = "",
) -> CaptureResult:
    """Keep a sealed record of a snapshot already taken (by :func:`capture`, or by a live
    assisted session): (2) judge it — ``verdict`` when the caller already has one —, (3) stamp a
    copy of the screenshot, (4) store the artefacts, (5) manifest + RFC 3161 tokens, (6) database
    rows in one transaction, (7) optionally write the verifiable folder ``out_dir``. ``note``
    goes into the manifest's metadata (how the page was reached).
    """
    capture_id = uuid.uuid4()
    clock = time.monotonic()
    verdict = _overrule(snap, verdict or (judge or _classify)(snap))  # (2)
    timings = {**snap.timings, "classify": time.monotonic() - clock}
    files = _artefacts(snap, verdict, capture_id, case)  # (3)
    timings["stamp"] = time.monotonic() - clock - timings["classify"]
    metadata = _metadata(snap, verdict, capture_id, case, timings)
    if note:
        metadata["note"] = note
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


def _classify(snap: PageSnapshot) -> Classification:
    return classify(
        snap.html,
        status=snap.status,
        final_url=snap.final_url,
        dialogs=snap.dialogs,
        visible_text=snap.visible_text,
    )


def _overrule(snap: PageSnapshot, verdict: Classification) -> Classification:
    """The verdict, overruled to ``error`` whenever the visit itself failed."""
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


def record_attempt(capture_id: str) -> Attempt | None:
    """The online Attempt of a sealed capture, in one transaction with its link, the stamped
    screenshot attached (what the timeline, the person and a case export show) and its journal
    entry. None when the capture already has its attempt (a concurrent or repeated recording)
    or belongs to no case.
    """
    with transaction.atomic():
        row = Capture.objects.select_for_update().select_related("case").get(pk=capture_id)
        if row.attempt_id is not None or row.case is None:
            return None
        attempt = Attempt.objects.create(
            case=row.case,
            channel=Channel.ONLINE,
            at=row.started_at,
            outcome=row.outcome,
            source=Attempt.Source.SEALED,
            note=(row.error or row.matched)[:500],
        )
        link_attempt(capture_id, attempt)
        stamped = row.seal.artefacts.filter(name=STAMPED).values_list("blob", flat=True).first()
        if stamped is not None:
            AttemptFile.objects.create(attempt=attempt, blob_id=stamped, name=STAMPED)
        attempt_recorded(attempt)
    return attempt
