"""One sealed capture of a page already visited and judged: the evidence of one online attempt.

Evidence never reads pages: it takes a snapshot from the browser seam and the verdict of the one
honesty rule (``creneau.watch.honesty``), and keeps a sealed record of both.
"""

import io
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.utils import translation
from PIL import Image

from creneau.cases.models import Outcome
from creneau.evidence import folder, seal
from creneau.evidence.models import Capture
from creneau.evidence.stamp import StampFacts, stamp
from creneau.lib import storage
from creneau.lib.browser import PageSnapshot

if TYPE_CHECKING:
    from creneau.cases.models import Case

SCREENSHOT = "screenshot.png"
STAMPED = "screenshot-stamped.png"  # what a person and a judge look at
HTML = "page.html"
MHTML = "page.mhtml"
HEADERS = "headers.json"
DIALOGS = "dialogs.json"
JSON = "application/json"


class Verdict(Protocol):
    """What the page says (a ``watch.classify.Classification`` after the honesty rule)."""

    @property
    def outcome(self) -> str: ...
    @property
    def system(self) -> str: ...
    @property
    def matched(self) -> str: ...


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
    timings: dict[str, float] = field(default_factory=dict)  # every step, in seconds


@dataclass(frozen=True)
class Prepared:
    """Step (1) of :func:`seal_page` done ahead, and (3) too when ``ahead``: the artefacts in
    memory, the manifest and its tokens; nothing kept anywhere yet."""

    capture_id: uuid.UUID
    files: list[seal.File]
    timings: dict[str, float]  # stamp (and hash, tsa), in seconds
    ahead: seal.Ahead | None = None


def prepare(
    snap: PageSnapshot,
    verdict: Verdict,
    case: "Case | None" = None,
    *,
    timestamp: bool = False,
    note: str = "",
    timings: Mapping[str, float] = {},
) -> Prepared:
    """Stamp a copy of the screenshot and list the artefacts and, with ``timestamp``, build the
    manifest (``note`` and ``timings`` as in :func:`seal_page`) and ask for its tokens. Nothing
    is stored: this may be done while the browser still proves the page unchanged, and thrown
    away if it changed (only the manifest's digest will have left this host)."""
    capture_id = uuid.uuid4()
    clock = time.monotonic()
    files = _artefacts(snap, verdict, capture_id, case)
    measured = {**timings, "stamp": time.monotonic() - clock}
    ahead = None
    if timestamp:
        described = {**snap.timings, **measured}
        metadata = _metadata(snap, verdict, capture_id, case, described, note)
        ahead = seal.timestamp_ahead("capture", files, metadata, measured)
    return Prepared(capture_id, files, measured, ahead)


def seal_page(
    snap: PageSnapshot,
    verdict: Verdict,
    *,
    case: "Case | None" = None,
    out_dir: Path | None = None,
    note: str = "",
    timings: Mapping[str, float] = {},
    prepared: Prepared | None = None,
) -> CaptureResult:
    """Keep a sealed record of a visited page and its verdict: (1) stamp a copy of the
    screenshot, (2) store the artefacts, (3) manifest + RFC 3161 tokens, (4) database rows in
    one transaction, (5) optionally write the verifiable folder ``out_dir``. ``note`` goes into
    the manifest's metadata (how the page was reached); ``timings`` of the earlier steps too.
    ``prepared``: (1), or (1) and (3), already done by :func:`prepare` for this very snapshot,
    verdict, case and note.
    """
    measured = {**snap.timings, **timings}
    stored: list[str] = []
    if prepared is None:  # (1), while the originals go to the store (2)
        with ThreadPoolExecutor(max_workers=1) as pool:
            originals = _originals(snap)
            keeping = pool.submit(_store, [f.data for f in originals])
            prepared = prepare(snap, verdict, case)
            measured["store"] = keeping.result()
        stored = [f.name for f in originals]
    capture_id, files = prepared.capture_id, prepared.files
    measured.update(prepared.timings)
    metadata = _metadata(snap, verdict, capture_id, case, measured, note)
    sealed = seal.store_and_timestamp(  # (2) (3)
        "capture", files, metadata, measured, stored, prepared.ahead
    )
    clock = time.monotonic()
    with transaction.atomic():  # (4)
        row = _record(snap, verdict, capture_id, case, sealed, files)
    measured["database"] = time.monotonic() - clock
    written = folder.write(row.seal, Path(out_dir)) if out_dir else None  # (5)
    return CaptureResult(
        capture_id=str(capture_id),
        outcome=verdict.outcome,
        system=verdict.system,
        matched=verdict.matched,
        state=row.seal.state,
        files={f.name: f.sha256 for f in files},
        manifest_sha256=row.seal.manifest.sha256,
        tokens=len(sealed.tokens),
        tsa_failures=sealed.failures,
        error=snap.error,
        folder=written,
        captured_at=snap.finished_at,
        timings=measured,
    )


def _store(items: Sequence[bytes]) -> float:
    clock = time.monotonic()
    storage.put_many(items)
    return time.monotonic() - clock


def _originals(snap: PageSnapshot) -> list[seal.File]:
    """The page as the browser gave it, in the manifest's order (the stamped copy aside)."""
    files = [seal.File(SCREENSHOT, snap.screenshot, "image/png")] if snap.screenshot else []
    files += [
        seal.File(HTML, snap.html.encode(), "text/html; charset=utf-8"),
        seal.File(HEADERS, seal.canonical_json([list(h) for h in snap.headers]), JSON),
        seal.File(DIALOGS, seal.canonical_json(list(snap.dialogs)), JSON),
    ]
    if snap.mhtml:
        files.append(seal.File(MHTML, snap.mhtml, "multipart/related"))
    return files


def _artefacts(
    snap: PageSnapshot, verdict: Verdict, capture_id: uuid.UUID, case: "Case | None"
) -> list[seal.File]:
    original = snap.screenshot or _blank_page()
    with translation.override("fr"):  # the words a judge reads, never the internal code
        label = str(Outcome(verdict.outcome).label)
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
    files = _originals(snap)
    at = 1 if snap.screenshot else 0  # right after the original screenshot
    files.insert(at, seal.File(STAMPED, stamp(original, facts), "image/png"))
    return files


def _blank_page() -> bytes:
    """A white page to carry the stamp when the browser could not take a screenshot."""
    out = io.BytesIO()
    Image.new("RGB", (1366, 200), "white").save(out, "PNG")
    return out.getvalue()


def _metadata(
    snap: PageSnapshot,
    verdict: Verdict,
    capture_id: uuid.UUID,
    case: "Case | None",
    timings: dict[str, float],
    note: str = "",
) -> dict[str, Any]:
    described = {
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
        "page": {
            "freezes": snap.freezes,
            "coherent": snap.coherent,
            "unsettled": snap.unsettled,
            "answered": snap.answered,
        },
        "software": seal.software_versions(),
        "timings": {key: round(value, 3) for key, value in sorted(timings.items())},
    }
    if note:
        described["note"] = note
    return described


def _record(
    snap: PageSnapshot,
    verdict: Verdict,
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
