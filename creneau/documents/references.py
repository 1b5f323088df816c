"""Legal references printed in documents, read from ``data/legal_references.csv``.

Templates cite the law only through a key (``{% legal "cja_l521_3" %}``), so every citation in
every document comes from that one file, where a jurist can see its source, its research status
(V: read in an official text; S: secondary source only; UNVERIFIED) and the date someone checked
it on Légifrance (``verified_on``; empty means nobody has yet).
"""

import csv
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCES_FILE = Path(__file__).parent / "data" / "legal_references.csv"
STATUSES = frozenset({"V", "S", "UNVERIFIED"})


class UnknownReferenceError(KeyError):
    """A template asked for a key the references file does not hold."""


@dataclass(frozen=True)
class Reference:
    key: str
    citation: str
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


def _reference(row: dict[str, str]) -> Reference:
    status = row["status"].strip()
    if status not in STATUSES:
        raise ValueError(f"{row['key']}: status {status!r} is not one of {sorted(STATUSES)}")
    verified_on = row["verified_on"].strip()
    return Reference(
        key=row["key"].strip(),
        citation=row["citation"].strip(),
        purpose=row["purpose"].strip(),
        source=row["source"].strip(),
        status=status,
        verified_on=datetime.date.fromisoformat(verified_on) if verified_on else None,
    )


@cache
def all_references() -> dict[str, Reference]:
    with REFERENCES_FILE.open(encoding="utf-8", newline="") as handle:
        references = [_reference(row) for row in csv.DictReader(handle)]
    return {reference.key: reference for reference in references}


def reference(key: str) -> Reference:
    try:
        return all_references()[key]
    except KeyError:
        raise UnknownReferenceError(
            f"unknown legal reference {key!r} ({REFERENCES_FILE})"
        ) from None


def citation(key: str) -> str:
    return reference(key).citation
