"""Readings of stored screenshots, kept write-once beside their blobs (no import of ``watch``).

The reader (``creneau.watch.screenshot``) turns an image into plain values; this module stores
them as a :class:`ScreenshotReading` of the file as it arrived (a sealed upload's original), for
the attempt it was offered for, and a volunteer's override as a new :class:`ReadingOverride`
row. A screenshot is *set aside* while its latest reading for the attempt has a blocking warning
and no override. The assessment, the documents and the pages only read what is stored here.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from creneau.cases.models import Attempt
from creneau.evidence.models import Blob, ReadingOverride, ScreenshotReading, Upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from creneau.cases.models import Case

CHUNK = 500  # attempt ids per query: far below every database's parameter limit

# The plain values a reading is stored from (``creneau.watch.screenshot.stored_values``).
_FIELDS = (
    "outcome",
    "matched",
    "statement",
    "text",
    "confidence",
    "taken_at",
    "taken_at_source",
    "clock",
    "host",
    "url",
    "prefecture",
    "departments",
    "procedure",
    "perceptual_hash",
    "details",
)


class ReadingError(Exception):
    """The reading cannot be stored (unknown blob, missing note); the message says why."""


def record_reading(
    sha256: str,
    values: Mapping[str, Any],
    warnings: Sequence[Mapping[str, Any]],
    reader: str,
    case: "Case | None" = None,
    attempt: Attempt | None = None,
) -> ScreenshotReading:
    """Store what was read in the stored file ``sha256`` (and how it compared with ``case``,
    for ``attempt``)."""
    blob = Blob.objects.filter(sha256=sha256).first()
    if blob is None:
        raise ReadingError(f"fichier inconnu du magasin de preuves : {sha256}")
    fields = {name: values[name] for name in _FIELDS if name in values}
    for name in ("matched", "statement", "text", "taken_at_source", "clock", "host", "url"):
        fields[name] = fields.get(name) or ""
    fields["prefecture"] = fields.get("prefecture") or ""
    fields["procedure"] = fields.get("procedure") or ""
    return ScreenshotReading.objects.create(
        blob=blob,
        case=case if case is not None else (attempt.case if attempt is not None else None),
        attempt=attempt,
        warnings=[dict(w) for w in warnings],
        reader=reader[:200],
        **fields,
    )


def record_override(reading: ScreenshotReading, note: str, by: "User | None") -> ReadingOverride:
    """A volunteer counts the screenshot anyway; the note says why (required)."""
    if not note.strip():
        raise ReadingError("une note expliquant la décision est obligatoire")
    with transaction.atomic():
        return ReadingOverride.objects.create(
            reading=reading,
            note=note.strip(),
            by=by if by is not None and by.pk else None,
            by_name=by.get_username() if by is not None else "",
        )


def latest_reading(sha256: str, case: "Case | None" = None) -> ScreenshotReading | None:
    return (
        ScreenshotReading.objects.filter(blob__sha256=sha256, case=case)
        .order_by("-created_at", "-id")
        .first()
    )


def set_aside(reading: ScreenshotReading) -> bool:
    """Blocking warnings and no volunteer override: the screenshot does not count."""
    return bool(reading.blocking_codes) and not reading.overrides.exists()


@dataclass(frozen=True)
class Checked:
    """The latest reading of one file attached to an attempt, and the volunteer's decision."""

    reading: ScreenshotReading
    file_sha256: str  # the attached file (the filed copy of a sealed upload)
    override: ReadingOverride | None

    @property
    def blocking_codes(self) -> list[str]:
        return self.reading.blocking_codes

    @property
    def set_aside(self) -> bool:
        """Blocking warnings and no override: the screenshot does not count."""
        return bool(self.blocking_codes) and self.override is None

    @property
    def overridden(self) -> bool:
        return bool(self.blocking_codes) and self.override is not None


def filed_copies(original_ids: Iterable[int]) -> dict[int, str]:
    """Original blob id → SHA-256 of the copy filed for it (sealed uploads); a file stored as it
    arrived (an older import) is its own filed copy."""
    found: dict[int, str] = {}
    ids = set(original_ids)
    if not ids:  # not even built: building a query costs more than running this one
        return found
    rows = Upload.objects.filter(original_id__in=ids)
    for original_id, filed in rows.values_list("original_id", "filed__sha256"):
        found.setdefault(original_id, filed)
    return found


def attempt_readings(attempt_ids: Iterable[int]) -> dict[int, list[Checked]]:
    """Attempt id → the latest reading of each of its screenshots, with its override (a few
    queries for any number of attempts)."""
    ids = sorted(set(attempt_ids))
    latest: dict[tuple[int, int], ScreenshotReading] = {}
    for start in range(0, len(ids), CHUNK):
        rows = ScreenshotReading.objects.filter(attempt_id__in=ids[start : start + CHUNK])
        for row in rows.select_related("blob").order_by("created_at", "id"):
            assert row.attempt_id is not None
            latest[(row.attempt_id, row.blob_id)] = row
    overrides: dict[int, ReadingOverride] = {}
    chosen = [row.pk for row in latest.values()]
    for start in range(0, len(chosen), CHUNK):
        found = ReadingOverride.objects.filter(reading_id__in=chosen[start : start + CHUNK])
        for override in found.order_by("created_at", "id"):
            overrides[override.reading_id] = override
    copies = filed_copies(blob_id for _, blob_id in latest)
    checked: dict[int, list[Checked]] = defaultdict(list)
    for (attempt_id, blob_id), row in latest.items():
        filed = copies.get(blob_id, row.blob.sha256)
        checked[attempt_id].append(Checked(row, filed, overrides.get(row.pk)))
    return dict(checked)


def set_aside_attempts(attempt_ids: Iterable[int]) -> dict[int, list[str]]:
    """Attempt id → the blocking warning codes of its set-aside screenshots (none: not listed)."""
    found: dict[int, list[str]] = {}
    for attempt_id, items in attempt_readings(attempt_ids).items():
        codes = [code for item in items if item.set_aside for code in item.blocking_codes]
        if codes:
            found[attempt_id] = sorted(set(codes))
    return found


def known_images(case: "Case", *, exclude_attempt: int | None = None) -> list[dict[str, Any]]:
    """The case's screenshots already read for an attempt (the latest reading of each file per
    attempt): what a new screenshot is compared with. ``exclude_attempt``: the attempt the new
    screenshot belongs to (its own files are not « another attempt's »)."""
    attempts = Attempt.objects.filter(case=case)
    if exclude_attempt is not None:
        attempts = attempts.exclude(pk=exclude_attempt)
    moments = dict(attempts.values_list("pk", "at"))
    return [
        {
            "sha256": item.reading.blob.sha256,
            "file_sha256": item.file_sha256,
            "attempt_id": attempt_id,
            "attempt_at": moments[attempt_id],
            "perceptual_hash": item.reading.perceptual_hash,
            "clock": item.reading.clock or None,
            "taken_at": item.reading.taken_at,
        }
        for attempt_id, items in sorted(attempt_readings(moments).items())
        for item in items
    ]
