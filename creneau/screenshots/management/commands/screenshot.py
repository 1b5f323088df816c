"""``creneau screenshot FILE [--case CASE] [--at ISO_DATETIME] [--json]``: read a screenshot.

Reads the image (text, outcome, when and where), then compares it with the case (``--case``:
its département, démarche and other screenshots) and with the declared time (``--at``). Nothing
is stored. Exit 0 when the image was read, 1 when it is not a readable image or the case is
unknown, 2 on a usage error. The comparison with a case is ``screenshots.checking``, the one
every upload and import path uses.
"""

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from creneau.cases.models import Case
from creneau.lib.ocr import OcrUnavailableError
from creneau.screenshots.checking import expectation_for_case
from creneau.watch.screenshot import (
    Expectation,
    Reading,
    UnreadableImageError,
    as_json,
    check,
    read_screenshot,
    zone_for_department,
)


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
