"""Numbers the sufficiency rules compare against, each with its source and check date.

The defaults live in ``data/thresholds.json`` so a jurist can read and change them without
touching code. A deployment overrides entries with a JSON file of the same shape named by the
``ASSESSMENT_THRESHOLDS_FILE`` setting (``CRENEAU_ASSESSMENT_THRESHOLDS_FILE``).
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from creneau.catalog.legal import citation

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "thresholds.json"


class ThresholdsError(ValueError):
    """The thresholds file is malformed or names an entry that does not exist."""


@dataclass(frozen=True)
class Threshold:
    value: float
    source: str
    verified_on: date | None  # None: UNVERIFIED
    note: str = ""


@dataclass(frozen=True)
class Practice:
    """Guide practice for one procedure kind: not law (legal.md §9, item 9)."""

    min_weeks: int
    strong_weeks: int
    per_week: float
    source: str


@dataclass(frozen=True)
class Thresholds:
    entries: dict[str, Threshold]

    def number(self, key: str) -> float:
        return self.entries[key].value

    def whole(self, key: str) -> int:
        return int(self.entries[key].value)

    def source(self, key: str) -> str:
        return resolve_source(self.entries[key].source)

    def practice(self, procedure_kind: str) -> Practice:
        kind = procedure_kind if f"practice.{procedure_kind}.min_weeks" in self.entries else "other"
        prefix = f"practice.{kind}"
        return Practice(
            min_weeks=self.whole(f"{prefix}.min_weeks"),
            strong_weeks=self.whole(f"{prefix}.strong_weeks"),
            per_week=self.number(f"{prefix}.per_week"),
            source=self.source(f"{prefix}.min_weeks"),
        )

    @property
    def unverified(self) -> list[str]:
        return sorted(key for key, entry in self.entries.items() if entry.verified_on is None)


def resolve_source(source: str) -> str:
    """« ref:ce_435594 ; Guide… » → « CE, 10 juin 2020, n° 435594 ; Guide… » (legal references
    come from the catalog's references file; practice sources are printed as written)."""
    parts = [part.strip() for part in source.split(";")]
    return " ; ".join(
        citation(part.removeprefix("ref:")) if part.startswith("ref:") else part for part in parts
    )


def _entry(key: str, raw: Any) -> Threshold:
    if not isinstance(raw, dict) or not isinstance(raw.get("value"), int | float):
        raise ThresholdsError(f"threshold {key!r} needs a numeric 'value'")
    if not str(raw.get("source", "")).strip():
        raise ThresholdsError(f"threshold {key!r} needs a 'source'")
    checked = raw.get("verified_on")
    try:
        verified_on = date.fromisoformat(checked) if checked else None
    except (TypeError, ValueError):
        raise ThresholdsError(f"threshold {key!r}: verified_on must be YYYY-MM-DD") from None
    return Threshold(float(raw["value"]), str(raw["source"]), verified_on, str(raw.get("note", "")))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ThresholdsError(f"cannot read thresholds from {path}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("thresholds"), dict):
        raise ThresholdsError(f"{path}: expected an object with a 'thresholds' object")
    return dict(data["thresholds"])


def load_thresholds(override: Path | None = None) -> Thresholds:
    """The default thresholds, with the entries of ``override`` replacing theirs."""
    entries = {key: _entry(key, raw) for key, raw in _read(DEFAULT_FILE).items()}
    if override is not None:
        for key, raw in _read(override).items():
            if key not in entries:
                raise ThresholdsError(f"{override}: unknown threshold {key!r}")
            entries[key] = _entry(key, raw)
    return Thresholds(entries)


@cache
def configured_thresholds() -> Thresholds:
    """The thresholds of this deployment (defaults plus the settings' override file)."""
    from django.conf import settings

    override = getattr(settings, "ASSESSMENT_THRESHOLDS_FILE", "")
    return load_thresholds(Path(override) if override else None)
