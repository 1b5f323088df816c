"""``creneau screenshot FILE [--case CASE] [--at ISO_DATETIME] [--json]``: read a screenshot.

Reads the image (text, outcome, when and where), then compares it with the case (``--case``:
its département, démarche and other screenshots) and with the declared time (``--at``). Nothing
is stored. Exit 0 when the image was read, 1 when it is not a readable image or the case is
unknown, 2 on a usage error.

``check_for_case`` is the one call the upload, import and assessment paths make (read, compare
with the case, and store the reading beside the sealed file); it reads the cases and evidence
models, so it lives with the command until the layout gives it a home above both.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.evidence import readings
from creneau.evidence.models import ScreenshotReading
from creneau.lib import storage
from creneau.lib.ocr import OcrUnavailableError
from creneau.watch.screenshot import (
    Expectation,
    KnownImage,
    Reading,
    ScreenshotWarning,
    UnreadableImageError,
    as_json,
    check,
    fingerprint,
    read_screenshot,
    stored_values,
    stored_warnings,
    zone_for_department,
)

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


class Command(BaseCommand):
    help = "Lit une capture d'écran (texte, résultat, date, lieu) et la compare au dossier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--case", default="", help="référence du dossier à comparer")
        parser.add_argument(
            "--at", default="", help="date et heure déclarées (ISO 8601, ex. 2026-09-03T14:32)"
        )
        parser.add_argument("--json", action="store_true", help="résultat en JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        case = _case(options["case"]) if options["case"] else None
        zone = zone_for_department(case.department_id, settings.TIME_ZONE) if case else ""
        declared_at, date_only = _declared(options["at"], zone or settings.TIME_ZONE)
        data = _read(path)
        try:
            reading = read_screenshot(data, path.name, zone=zone, declared_at=declared_at)
        except UnreadableImageError as exc:
            raise CommandError(
                _("%(path)s n'est pas une image lisible : %(reason)s")
                % {"path": path, "reason": exc},
                returncode=1,
            ) from exc
        except OcrUnavailableError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if case is not None:
            expectation = expectation_for_case(case, declared_at=declared_at, date_only=date_only)
        else:
            expectation = Expectation(
                declared_at=declared_at,
                declared_date_only=date_only,
                today=timezone.localdate(),
                zone=settings.TIME_ZONE,
            )
        warnings = check(reading, expectation)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(reading, warnings), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_text(reading, [w.message for w in warnings]))


def _case(reference: str) -> Case:
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    if case is None:
        raise CommandError(_("Dossier inconnu : %(ref)s") % {"ref": reference}, returncode=1)
    return case


def _declared(text: str, zone: str) -> tuple[datetime | None, bool]:
    if not text:
        return None, False
    try:
        if len(text.strip()) == len("2026-09-03"):
            day = date.fromisoformat(text.strip())
            return datetime.combine(day, time(12)).replace(tzinfo=ZoneInfo(zone)), True
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("--at attend une date ISO 8601 (ex. 2026-09-03T14:32) : %(value)s") % {"value": text},
            returncode=2,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment, False


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(
            _("Fichier introuvable : %(path)s") % {"path": path}, returncode=1
        ) from None
    except OSError as exc:
        raise CommandError(
            _("Impossible de lire %(path)s : %(reason)s") % {"path": path, "reason": exc.strerror},
            returncode=1,
        ) from exc


@dataclass(frozen=True)
class CaseReading:
    reading: Reading
    warnings: list[ScreenshotWarning]
    stored: ScreenshotReading | None  # None unless asked to record

    @property
    def set_aside(self) -> bool:
        """A blocking warning: the screenshot does not count until a volunteer overrides it."""
        return any(w.blocking for w in self.warnings)


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
    """Read a screenshot offered for ``case``, compare it, and (``record``) store the reading.

    ``attempt_id``: the attempt the screenshot already belongs to (its own files are not
    « another attempt's »). ``record`` needs the file already in the evidence store (sealed by
    ``seal_upload`` or a case import). Raises ``UnreadableImageError`` for a file that is not a
    readable image.
    """
    zone = zone_for_department(case.department_id, settings.TIME_ZONE)
    reading = read_screenshot(data, filename, zone=zone, declared_at=declared_at)
    expectation = expectation_for_case(
        case,
        declared_at=declared_at,
        date_only=date_only,
        declared_outcome=declared_outcome,
        attempt_id=attempt_id,
    )
    warnings = check(reading, expectation)
    stored = None
    if record:
        stored = readings.record_reading(
            reading.sha256,
            stored_values(reading),
            stored_warnings(warnings),
            reading.reader,
            case=case,
        )
    return CaseReading(reading, warnings, stored)


def expectation_for_case(
    case: Case,
    *,
    declared_at: datetime | None = None,
    date_only: bool = False,
    declared_outcome: str = "",
    attempt_id: int | None = None,
) -> Expectation:
    """What a screenshot for ``case`` should show, as plain values (reads the database)."""
    procedure = case.procedure
    words = " ".join(filter(None, [procedure.label if procedure else "", case.title, case.ground]))
    return Expectation(
        department=case.department_id,
        procedure_slug=procedure.slug if procedure else "",
        procedure_kind=case.procedure_kind,
        procedure_words=words,
        declared_at=declared_at,
        declared_date_only=date_only,
        declared_outcome=declared_outcome,
        known_images=tuple(known_images_of(case, attempt_id=attempt_id)),
        today=timezone.localdate(),
        zone=zone_for_department(case.department_id, settings.TIME_ZONE),
    )


def known_images_of(case: Case, *, attempt_id: int | None = None) -> list[KnownImage]:
    """Screenshots attached to the case's other attempts: stored readings, else fingerprints."""
    stored = {row["sha256"]: row for row in readings.known_images(case)}
    known: list[KnownImage] = []
    files = AttemptFile.objects.filter(attempt__case=case)
    if attempt_id is not None:
        files = files.exclude(attempt_id=attempt_id)
    for item in files.select_related("attempt", "blob").order_by("attempt__at", "id"):
        sha = item.blob.sha256
        if item.blob.media_type not in ("", *_IMAGE_TYPES):
            continue
        label = _label(item.attempt)
        if sha in stored:
            row = stored[sha]
            known.append(KnownImage(sha, row["perceptual_hash"], row["clock"], label))
            continue
        try:
            print_ = fingerprint(storage.read(sha))
        except (UnreadableImageError, storage.StorageError):
            continue  # not an image (an e-mail, a PDF) or a file no longer stored
        known.append(KnownImage(sha, print_.perceptual_hash, print_.clock, label))
    return known


def _label(attempt: Attempt) -> str:
    local = timezone.localtime(attempt.at)
    return _("la tentative du %(date)s") % {"date": f"{local:%d/%m/%Y à %H:%M}"}


def _as_text(reading: Reading, messages: list[str]) -> str:
    lines = [
        _("Résultat lu : %(outcome)s") % {"outcome": reading.outcome},
        _("Prise le : %(when)s (%(source)s)")
        % {
            "when": reading.taken_at.isoformat() if reading.taken_at else "?",
            "source": reading.taken_at_source or "?",
        },
        _("Adresse : %(host)s") % {"host": reading.host or "?"},
        _("Préfecture nommée : %(name)s") % {"name": reading.prefecture or "?"},
    ]
    if reading.statement:
        lines.append(f"« {reading.statement} »")
    lines += [f"⚠ {message}" for message in messages]
    return "\n".join(lines)
