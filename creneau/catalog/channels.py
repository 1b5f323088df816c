"""Which route the catalog gives a démarche in a département, and what says so.

A prefecture's own row (``department`` set) wins over the national rule (annexe 9 of the
CESEDA, or article R. 431-3 for the titles outside it). No row: the catalog says nothing, and the
case follows a booking page by default (see ``cases.filing``).
"""

import datetime
from dataclasses import dataclass

from creneau.catalog.legal import citation
from creneau.catalog.models import FilingChannel, ProcedureChannel

STATUS_WORDS = {
    "V": "lu dans le texte",
    "S": "source secondaire",
    "UNVERIFIED": "non vérifié",
}


@dataclass(frozen=True)
class CatalogChannel:
    channel: str
    procedure: str  # the procedure's label
    department: str  # « Essonne » when the row is a prefecture's own, else ""
    reference: str  # the key of that text in legal_references.csv, or ""
    text: str  # its citation, or ""
    since: datetime.date | None
    note: str
    source: str
    status: str  # V, S, UNVERIFIED
    verified_on: datetime.date | None

    @property
    def label(self) -> str:
        return str(FilingChannel(self.channel).label)

    @property
    def checked(self) -> str:
        """« lu dans le texte, vérifié le 03/12/2026 », « …, à vérifier »."""
        when = f"vérifié le {self.verified_on:%d/%m/%Y}" if self.verified_on else "à vérifier"
        return f"{STATUS_WORDS.get(self.status, self.status)}, {when}"

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None


def catalog_channel(procedure_slug: str | None, department_code: str) -> CatalogChannel | None:
    """The prefecture's own row, else the national one, else ``None``."""
    if not procedure_slug:
        return None
    rows = ProcedureChannel.objects.filter(procedure_id=procedure_slug).select_related(
        "procedure", "department"
    )
    row = (
        rows.filter(department_id=department_code).first()
        or rows.filter(department__isnull=True).first()
    )
    if row is None:
        return None
    return CatalogChannel(
        channel=row.channel,
        procedure=row.procedure.label,
        department=row.department.name if row.department else "",
        reference=row.reference,
        text=citation(row.reference) if row.reference else "",
        since=row.since,
        note=row.note,
        source=row.source,
        status=row.status,
        verified_on=row.verified_on,
    )
