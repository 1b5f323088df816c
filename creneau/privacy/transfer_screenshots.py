"""The screenshots of a case file being imported: read and compared before anything is written.

Each image attached to an online attempt is read (``watch.screenshot``) and compared with what
the file says of the case (département, démarche, the attempt's time and outcome) and with the
screenshots of the attempts before it in the file. Reading takes about half a second an image,
so it runs before the import's transaction; the import then stores each reading beside the
stored file, for its attempt. A file that the OCR cannot read is imported unread, and said so.
"""

from dataclasses import dataclass
from typing import Any

from creneau.cases.models import Channel
from creneau.catalog.models import Procedure
from creneau.lib.ocr import OcrUnavailableError
from creneau.privacy.transfer import Parsed
from creneau.privacy.transfer_reading import PendingFile
from creneau.screenshots.checking import (
    CaseReading,
    Declared,
    compare,
    expectation_of,
    known_image,
)
from creneau.screenshots.reread import READ_TYPES, media_type
from creneau.watch.screenshot import (
    KnownImage,
    UnreadableImageError,
    read_screenshot,
    zone_for_department,
)


@dataclass(frozen=True)
class FileReading:
    """One attached image of ``attempts[index]``, read (``checked``) or not (``reason``)."""

    index: int
    name: str
    checked: CaseReading | None
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"attempt": self.index, "file": self.name}
        if self.checked is None:
            return found | {"read": False, "reason": self.reason}
        reading = self.checked.reading
        return found | {
            "read": True,
            "outcome": reading.outcome,
            "taken_at": reading.taken_at.isoformat() if reading.taken_at else None,
            "taken_at_source": reading.taken_at_source,
            "set_aside": self.checked.set_aside,
            "warnings": [w.as_json() for w in self.checked.warnings],
        }


def read_screenshots(parsed: Parsed, zone_default: str) -> list[FileReading]:
    """Every image of an online attempt, read and compared (the file is already valid)."""
    data = parsed.data
    assert parsed.department is not None
    department = parsed.department.code
    zone = zone_for_department(department, zone_default)
    procedure_data = data["procedure"]
    code = procedure_data.get("code") or ""
    procedure = Procedure.objects.filter(slug=code).first() if code else None
    words = [procedure_data.get("title") or "", procedure_data.get("ground") or ""]
    known: list[KnownImage] = []
    found: list[FileReading] = []
    attempts = data.get("attempts") or []
    for index, (raw, moment, files) in enumerate(
        zip(attempts, parsed.moments, parsed.files, strict=True)
    ):
        if raw.get("channel") != Channel.ONLINE or moment is None:
            continue
        declared = Declared(moment, _date_only(raw.get("at")), str(raw.get("outcome") or ""))
        expectation = expectation_of(
            department, procedure, procedure_data["kind"], words, declared, known
        )
        read = [_read(index, pending, zone, expectation) for pending in _images(files)]
        found += read
        known += [known_image(r.checked, moment) for r in read if r.checked is not None]
    return found


def _date_only(at: object) -> bool:
    """« 2026-09-05 »: the file gives a day, not a time (never compared with a clock)."""
    return isinstance(at, str) and len(at.strip()) == len("2026-09-05")


def _images(files: list[PendingFile]) -> list[PendingFile]:
    return [pending for pending in files if media_type(pending.data) in READ_TYPES]


def _read(index: int, pending: PendingFile, zone: str, expectation: Any) -> FileReading:
    try:
        reading = read_screenshot(
            pending.data, pending.name, zone=zone, declared_at=expectation.declared_at
        )
    except (UnreadableImageError, OcrUnavailableError) as error:
        return FileReading(index, pending.name, None, str(error))
    return FileReading(index, pending.name, compare(reading, expectation))
