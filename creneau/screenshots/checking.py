"""A screenshot offered for a case: read it, compare it with the case, keep the reading.

The reader and the checks (``creneau.watch.screenshot``) are pure; the store of readings
(``creneau.evidence.readings``) knows nothing of the reader. This module joins them for a case:
what the case says a screenshot should show (``expectation_for_case``: its département, its
démarche, the screenshots of its other attempts), the comparison, and the stored reading. Every
path that receives screenshots (the person's portal, the volunteer's pages, the case import, a
bulk import) calls it; the assessment and the documents only read what it stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.catalog.models import Procedure
from creneau.evidence import readings
from creneau.evidence.models import ScreenshotReading
from creneau.lib import storage
from creneau.watch.screenshot import (
    Expectation,
    KnownImage,
    Reading,
    ScreenshotWarning,
    UnreadableImageError,
    check,
    fingerprint,
    read_screenshot,
    stored_values,
    stored_warnings,
    zone_for_department,
)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")
# What the image itself says about its time (a declared time is no evidence of anything).
IMAGE_TIME_SOURCES = frozenset({"exif", "filename", "png_time", "visible_clock"})


@dataclass(frozen=True)
class CaseReading:
    """A screenshot read and compared with its case."""

    reading: Reading
    warnings: list[ScreenshotWarning]
    stored: ScreenshotReading | None = None  # once kept

    @property
    def set_aside(self) -> bool:
        """A blocking warning: the screenshot does not count until a volunteer overrides it."""
        return any(w.blocking for w in self.warnings)

    @property
    def image_time(self) -> datetime | None:
        """When the image says it was taken (its metadata, its name, a dated clock on screen)."""
        if self.reading.taken_at_source in IMAGE_TIME_SOURCES:
            return self.reading.taken_at
        return None


@dataclass(frozen=True)
class Declared:
    """What the person or the volunteer says about the screenshot."""

    at: datetime | None = None  # aware
    date_only: bool = False  # a day was given, not a time
    outcome: str = ""  # what it is offered as proof of ("no_slot", "error"…); "" unknown


def case_zone(case: Case) -> str:
    return zone_for_department(case.department_id, settings.TIME_ZONE)


def expectation_of(
    department: str,
    procedure: Procedure | None,
    kind: str,
    words: Sequence[str],
    declared: Declared,
    known: Sequence[KnownImage] = (),
) -> Expectation:
    """What a screenshot should show, from plain values (a case, or a case file being imported)."""
    label = procedure.label if procedure else ""
    return Expectation(
        department=department,
        procedure_slug=procedure.slug if procedure else "",
        procedure_kind=kind,
        procedure_words=" ".join(filter(None, [label, *words])),
        declared_at=declared.at,
        declared_date_only=declared.date_only,
        declared_outcome=declared.outcome,
        known_images=tuple(known),
        today=timezone.localdate(),
        zone=zone_for_department(department, settings.TIME_ZONE),
    )


def expectation_for_case(
    case: Case,
    *,
    declared_at: datetime | None = None,
    date_only: bool = False,
    declared_outcome: str = "",
    attempt_id: int | None = None,
    known: Sequence[KnownImage] | None = None,
) -> Expectation:
    """What a screenshot for ``case`` should show (reads the database). ``known``: the case's
    other screenshots when the caller already has them (a bulk import), else looked up."""
    declared = Declared(declared_at, date_only, declared_outcome)
    images = known if known is not None else known_images_of(case, attempt_id=attempt_id)
    return expectation_of(
        case.department_id,
        case.procedure,
        case.procedure_kind,
        [case.title, case.ground],
        declared,
        images,
    )


def known_images_of(case: Case, *, attempt_id: int | None = None) -> list[KnownImage]:
    """Screenshots attached to the case's other attempts: their stored readings, else (a file
    never read) a fingerprint taken now."""
    stored = readings.known_images(case, exclude_attempt=attempt_id)
    known = [
        KnownImage(row["sha256"], row["perceptual_hash"], row["clock"], label(row["attempt_at"]))
        for row in stored
    ]
    covered = {(row["attempt_id"], row["file_sha256"]) for row in stored}
    files = AttemptFile.objects.filter(attempt__case=case).select_related("attempt", "blob")
    if attempt_id is not None:
        files = files.exclude(attempt_id=attempt_id)
    for item in files.order_by("attempt__at", "id"):
        sha = item.blob.sha256
        if (item.attempt_id, sha) in covered or item.blob.media_type not in ("", *IMAGE_TYPES):
            continue
        try:
            print_ = fingerprint(storage.read(sha))
        except (UnreadableImageError, storage.StorageError):
            continue  # not an image (an e-mail, a PDF) or a file no longer stored
        known.append(KnownImage(sha, print_.perceptual_hash, print_.clock, label(item.attempt.at)))
    return known


def label(moment: datetime) -> str:
    """« la tentative du 03/09/2026 à 14:32 »: how a warning names another attempt."""
    local = timezone.localtime(moment)
    return _("la tentative du %(date)s") % {"date": f"{local:%d/%m/%Y à %H:%M}"}


def known_image(checked: CaseReading, moment: datetime) -> KnownImage:
    """A screenshot just recorded for the attempt at ``moment``, as the next ones see it."""
    reading = checked.reading
    clock = str(reading.clock) if reading.clock else None
    return KnownImage(reading.sha256, reading.perceptual_hash, clock, label(moment))


def compare(reading: Reading, expectation: Expectation) -> CaseReading:
    return CaseReading(reading, check(reading, expectation))


def check_for_case(
    case: Case,
    data: bytes,
    filename: str,
    *,
    declared_at: datetime | None = None,
    date_only: bool = False,
    declared_outcome: str = "no_slot",
    attempt_id: int | None = None,
    record: bool = False,
) -> CaseReading:
    """Read a screenshot offered for ``case`` and compare it; ``record``: store the reading of
    the file (already in the evidence store), for no attempt yet.

    ``attempt_id``: the attempt the screenshot already belongs to (its own files are not
    « another attempt's »). Raises ``UnreadableImageError`` for a file that is not a readable
    image, ``OcrUnavailableError`` when the OCR engine or its languages are missing.
    """
    reading = read_screenshot(data, filename, zone=case_zone(case), declared_at=declared_at)
    expectation = expectation_for_case(
        case,
        declared_at=declared_at,
        date_only=date_only,
        declared_outcome=declared_outcome,
        attempt_id=attempt_id,
    )
    checked = compare(reading, expectation)
    return keep(case, checked, None) if record else checked


def keep(case: Case, checked: CaseReading, attempt: Attempt | None) -> CaseReading:
    """Store the reading beside the file as it arrived (sealed first by the caller)."""
    stored = readings.record_reading(
        checked.reading.sha256,
        stored_values(checked.reading),
        stored_warnings(checked.warnings),
        checked.reading.reader,
        case=case,
        attempt=attempt,
    )
    return CaseReading(checked.reading, checked.warnings, stored)
