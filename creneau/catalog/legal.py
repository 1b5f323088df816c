"""Legal references, read from ``data/legal_references.csv``: the one source of every citation.

Documents cite the law through a key (``{% legal "cja_l521_3" %}``), the assessment gives a key's
citation as the source of its reasons, the court instructions cite the filing rules the same
way: every citation the product prints comes from that one file, where a jurist sees its source,
its research status (V: read in an official or consolidated text; S: secondary source only;
UNVERIFIED) and the date someone checked it (``verified_on``; empty means nobody has yet, and the
product says « à vérifier »).

A jurist overrides rows without touching code: the ``LEGAL_REFERENCES_FILE`` setting
(``CRENEAU_LEGAL_REFERENCES_FILE``) names a CSV file of the same columns whose rows replace the
built-in rows of the same key (for example to record a check on Légifrance).

The catalog sits below every other app, so the assessment, the documents and the court all read
the same rows without an upward import.
"""

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

REFERENCES_FILE = Path(__file__).resolve().parent / "data" / "legal_references.csv"
STATUSES = frozenset({"V", "S", "UNVERIFIED"})
COLUMNS = ("key", "citation", "article", "code", "purpose", "source", "status", "verified_on")


class UnknownReferenceError(KeyError):
    """A template or a rule asked for a key the references file does not hold."""


class ReferencesFileError(ValueError):
    """The references file (built-in or override) is malformed; the message names the row."""


@dataclass(frozen=True)
class Reference:
    key: str
    citation: str  # « article L. 521-3 du code de justice administrative »
    article: str  # « L. 521-3 »: lets several articles of one code be cited together
    code: str  # « du code de justice administrative »
    purpose: str
    source: str
    status: str
    verified_on: datetime.date | None

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "key": self.key,
            "citation": self.citation,
            "purpose": self.purpose,
            "source": self.source,
            "status": self.status,
            "verified_on": self.verified_on.isoformat() if self.verified_on else None,
        }


def _reference(row: dict[str, str], origin: Path) -> Reference:
    missing = [column for column in COLUMNS if row.get(column) is None]
    if missing:
        raise ReferencesFileError(f"{origin}: columns missing: {', '.join(missing)}")
    key, status = row["key"].strip(), row["status"].strip()
    if status not in STATUSES:
        raise ReferencesFileError(f"{origin}: {key}: status {status!r} not in {sorted(STATUSES)}")
    verified_on = row["verified_on"].strip()
    try:
        checked = datetime.date.fromisoformat(verified_on) if verified_on else None
    except ValueError:
        raise ReferencesFileError(f"{origin}: {key}: verified_on {verified_on!r}") from None
    return Reference(
        key=key,
        citation=row["citation"].strip(),
        article=row["article"].strip(),
        code=row["code"].strip(),
        purpose=row["purpose"].strip(),
        source=row["source"].strip(),
        status=status,
        verified_on=checked,
    )


def _read(path: Path) -> dict[str, Reference]:
    with path.open(encoding="utf-8", newline="") as handle:
        references = [_reference(row, path) for row in csv.DictReader(handle)]
    return {reference.key: reference for reference in references}


@cache
def _load(override: str) -> dict[str, Reference]:
    references = _read(REFERENCES_FILE)
    if override:
        references |= _read(Path(override))
    return references


def all_references() -> dict[str, Reference]:
    return _load(str(getattr(settings, "LEGAL_REFERENCES_FILE", "") or ""))


def reference(key: str) -> Reference:
    try:
        return all_references()[key]
    except KeyError:
        raise UnknownReferenceError(
            f"unknown legal reference {key!r} ({REFERENCES_FILE})"
        ) from None


def citation(key: str) -> str:
    return reference(key).citation


def citations(keys: Iterable[str]) -> str:
    """Several references in one phrase, each code named once.

    ``("cja_l911_1", "cja_l911_3")`` → « articles L. 911-1 et L. 911-3 du code de justice
    administrative »; references of different codes, or decisions, are joined by « et ».
    """
    groups: list[list[Reference]] = []
    for found in (reference(key) for key in keys):
        previous = groups[-1][-1] if groups else None
        if previous and found.article and previous.article and found.code == previous.code:
            groups[-1].append(found)
        else:
            groups.append([found])
    return _and([_group(group) for group in groups])


def _group(group: list[Reference]) -> str:
    if len(group) == 1:
        return group[0].citation
    return f"articles {_and([ref.article for ref in group])} {group[0].code}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"


def unverified(keys: Iterable[str]) -> list[Reference]:
    """The references among ``keys`` nobody has checked yet, in file order."""
    wanted = set(keys)
    return [ref for ref in all_references().values() if ref.key in wanted and not ref.is_verified]


def checked_phrase(key: str) -> str:
    """« vérifié le 03/12/2026 » or « à vérifier », for instructions printed to people."""
    found = reference(key)
    return f"vérifié le {found.verified_on:%d/%m/%Y}" if found.verified_on else "à vérifier"
