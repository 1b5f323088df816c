"""A reading as plain values: the CLI's JSON, and the fields the evidence store keeps."""

from typing import Any

from creneau.watch.screenshot.checks import ScreenshotWarning
from creneau.watch.screenshot.reading import Reading

# Overseas départements keep their own clocks; everywhere else a phone shows Paris time.
_DEPARTMENT_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}


def zone_for_department(code: str, default: str) -> str:
    return _DEPARTMENT_ZONES.get(code, default)


def as_json(reading: Reading, warnings: list[ScreenshotWarning]) -> dict[str, Any]:
    """The ``creneau screenshot --json`` document (contract keys first, then the details)."""
    return {
        "outcome": reading.outcome,
        "text": reading.text,
        "taken_at": reading.taken_at.isoformat() if reading.taken_at else None,
        "taken_at_source": reading.taken_at_source,
        "host": reading.host,
        "prefecture": reading.prefecture,
        "warnings": [w.as_json() for w in warnings],
        "matched": reading.matched,
        "statement": reading.statement or None,
        "clock": str(reading.clock) if reading.clock else None,
        "url": reading.url,
        "places": [{"name": p.name, "departments": list(p.departments)} for p in reading.places],
        "procedure": reading.procedure,
        "copyright_years": list(reading.copyright_years),
        "page_dates": [day.isoformat() for day in reading.page_dates],
        "edit_signs": [{"code": s.code, "detail": s.detail} for s in reading.edit_signs],
        "confidence": reading.confidence,
        "sha256": reading.sha256,
        "perceptual_hash": reading.perceptual_hash,
        "reader": reading.reader,
    }


def stored_values(reading: Reading) -> dict[str, Any]:
    """The values ``evidence.readings.record_reading`` keeps."""
    return {
        "outcome": reading.outcome,
        "matched": reading.matched,
        "statement": reading.statement,
        "text": reading.text,
        "confidence": reading.confidence,
        "taken_at": reading.taken_at,
        "taken_at_source": reading.taken_at_source or "",
        "clock": str(reading.clock) if reading.clock else "",
        "host": reading.host or "",
        "url": reading.url or "",
        "prefecture": reading.prefecture or "",
        "departments": sorted(reading.departments),
        "procedure": reading.procedure or "",
        "perceptual_hash": reading.perceptual_hash,
        "details": {
            "places": [
                {"name": p.name, "departments": list(p.departments)} for p in reading.places
            ],
            "procedure_families": list(reading.procedure_families),
            "copyright_years": list(reading.copyright_years),
            "page_dates": [day.isoformat() for day in reading.page_dates],
            "edit_signs": [{"code": s.code, "detail": s.detail} for s in reading.edit_signs],
            "exif_time": _iso(reading.exif_time),
            "filename_time": _iso(reading.filename_time),
            "png_time": _iso(reading.png_time),
            "media_type": reading.media_type,
            "size": [reading.width, reading.height],
        },
    }


def stored_warnings(warnings: list[ScreenshotWarning]) -> list[dict[str, Any]]:
    """Warnings as stored: code, message key and parameters, so each reader sees its language."""
    return [
        {"code": w.code, "key": w.key, "params": dict(w.params), "blocking": w.blocking}
        for w in warnings
    ]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
