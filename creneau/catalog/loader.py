"""Load the versioned catalog files (``catalog/data/*.csv``) into the database, idempotently.

A row verified by a person in the admin is never overwritten by an older or unverified file row.
"""

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from creneau.catalog.models import Department, Prefecture, Procedure, ProcedureChannel, Tribunal

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class TribunalInfo:
    """What ``creneau tribunal`` prints, readable from the files without a database."""

    department: str
    department_name: str
    tribunal: str
    seat: str
    address: str
    address_verified_on: datetime.date | None

    def as_json(self) -> dict[str, str | None]:
        verified = self.address_verified_on
        return {
            "department": self.department,
            "department_name": self.department_name,
            "tribunal": self.tribunal,
            "seat": self.seat,
            "address": self.address,
            "address_verified_on": verified.isoformat() if verified else None,
        }


def normalise_department(code: str) -> str:
    """'1' → '01', '2a' → '2A', ' 93 ' → '93'."""
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


def tribunal_from_files(code: str) -> TribunalInfo | None:
    code = normalise_department(code)
    tribunals = {row["slug"]: row for row in rows("tribunals.csv")}
    for row in rows("departments.csv"):
        if row["code"] == code:
            tribunal = tribunals[row["tribunal"]]
            return TribunalInfo(
                department=code,
                department_name=row["name"],
                tribunal=tribunal["name"],
                seat=tribunal["seat"],
                address=tribunal["address"],
                address_verified_on=_date(tribunal["address_verified_on"]),
            )
    return None


def tribunal_from_database(code: str) -> TribunalInfo | None:
    department = (
        Department.objects.select_related("tribunal")
        .filter(code=normalise_department(code))
        .first()
    )
    if department is None:
        return None
    tribunal = department.tribunal
    return TribunalInfo(
        department=department.code,
        department_name=department.name,
        tribunal=tribunal.name,
        seat=tribunal.seat,
        address=tribunal.address,
        address_verified_on=tribunal.address_verified_on,
    )


def _load_tribunal(row: dict[str, str]) -> None:
    fields: dict[str, object] = {
        "name": row["name"],
        "seat": row["seat"],
        "source": row["source"],
        "verified_on": _date(row["verified_on"]),
    }
    file_verified = _date(row["address_verified_on"])
    current = Tribunal.objects.filter(slug=row["slug"]).first()
    db_verified = current.address_verified_on if current else None
    if db_verified is None or (file_verified is not None and file_verified >= db_verified):
        fields |= {
            "address": row["address"],
            "address_source": row["address_source"],
            "address_verified_on": file_verified,
        }
    Tribunal.objects.update_or_create(slug=row["slug"], defaults=fields)


def _load_department(row: dict[str, str]) -> None:
    department, _ = Department.objects.update_or_create(
        code=row["code"],
        defaults={
            "name": row["name"],
            "name_with_article": row["name_with_article"],
            "chef_lieu": row["chef_lieu"],
            "tribunal_id": row["tribunal"],
            "prefect": row.get("prefect") or "",
            "source": row["source"],
            "verified_on": _date(row["verified_on"]),
        },
    )
    police = department.code == "75"
    name, city = SITES.get(
        department.code, (f"Préfecture {department.name_with_article}", department.chef_lieu)
    )
    Prefecture.objects.get_or_create(
        department=department,
        name="Préfecture de police" if police else name,
        defaults={
            "kind": Prefecture.Kind.POLICE if police else Prefecture.Kind.PREFECTURE,
            "city": city,
        },
    )


# Saint-Barthélemy and Saint-Martin share one delegated prefecture, in Marigot.
SITES = {
    "977": ("Préfecture de Saint-Barthélemy et de Saint-Martin", "Marigot"),
    "978": ("Préfecture de Saint-Barthélemy et de Saint-Martin", "Marigot"),
}


@transaction.atomic
def load_catalog() -> dict[str, int]:
    """Create or update every catalog row; return how many rows each file holds."""
    counts = {"tribunals": 0, "departments": 0, "procedures": 0, "procedure_channels": 0}
    for row in rows("tribunals.csv"):
        _load_tribunal(row)
        counts["tribunals"] += 1
    for row in rows("departments.csv"):
        _load_department(row)
        counts["departments"] += 1
    for row in rows("procedures.csv"):
        Procedure.objects.update_or_create(
            slug=row["slug"], defaults={"label": row["label"], "kind": row["kind"]}
        )
        counts["procedures"] += 1
    for row in rows("procedure_channels.csv"):
        _load_procedure_channel(row)
        counts["procedure_channels"] += 1
    return counts


def _load_procedure_channel(row: dict[str, str]) -> None:
    """One route of the catalog; a row a person verified later in the admin is kept."""
    department = None if row["department"] == "*" else normalise_department(row["department"])
    current = ProcedureChannel.objects.filter(
        procedure_id=row["procedure"], department_id=department
    ).first()
    verified = _date(row["verified_on"])
    if current and current.verified_on and (verified is None or verified < current.verified_on):
        return
    fields = {
        "channel": row["channel"],
        "reference": row["reference"],
        "since": _date(row["since"]),
        "note": row["note"],
        "source": row["source"],
        "status": row["status"],
        "verified_on": verified,
    }
    if current is None:
        ProcedureChannel.objects.create(
            procedure_id=row["procedure"], department_id=department, **fields
        )
    else:
        ProcedureChannel.objects.filter(pk=current.pk).update(**fields)
