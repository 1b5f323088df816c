"""Readings of stored screenshots, kept write-once beside their blobs (no import of ``watch``).

The reader (``creneau.watch.screenshot``) turns an image into plain values; this module stores
them as a :class:`ScreenshotReading` of the blob, and a volunteer's override as a new
:class:`ReadingOverride` row. A screenshot is *set aside* while its latest reading for the case
has a blocking warning and no override.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from creneau.evidence.models import Blob, ReadingOverride, ScreenshotReading

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from creneau.cases.models import Case

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
) -> ScreenshotReading:
    """Store what was read in the stored file ``sha256`` (and how it compared with ``case``)."""
    blob = Blob.objects.filter(sha256=sha256).first()
    if blob is None:
        raise ReadingError(f"fichier inconnu du magasin de preuves : {sha256}")
    fields = {name: values[name] for name in _FIELDS if name in values}
    for name in ("matched", "statement", "text", "taken_at_source", "clock", "host", "url"):
        fields[name] = fields.get(name) or ""
    fields["prefecture"] = fields.get("prefecture") or ""
    fields["procedure"] = fields.get("procedure") or ""
    return ScreenshotReading.objects.create(
        blob=blob, case=case, warnings=[dict(w) for w in warnings], reader=reader[:200], **fields
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


def known_images(case: "Case", *, before: datetime | None = None) -> list[dict[str, Any]]:
    """The case's stored readings, newest per file: what a new screenshot is compared with."""
    rows = ScreenshotReading.objects.filter(case=case).select_related("blob")
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    latest: dict[str, ScreenshotReading] = {}
    for row in rows.order_by("created_at", "id"):
        latest[row.blob.sha256] = row
    return [
        {
            "sha256": sha,
            "perceptual_hash": row.perceptual_hash,
            "clock": row.clock or None,
            "taken_at": row.taken_at,
        }
        for sha, row in latest.items()
    ]
