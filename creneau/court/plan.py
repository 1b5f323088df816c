"""The bundle's exhibits: the requête's plan, with the documents the volunteer added.

The plan itself comes from ``documents.exhibits.exhibits_for`` (the one source of exhibit
numbers, the volunteer's added documents included); this module maps each exhibit back to the
rows it is drawn from.
"""

from dataclasses import dataclass, field

from creneau.cases.models import Case
from creneau.documents.exhibits import AVAILABILITY, Exhibit, exhibits_for
from creneau.evidence.models import CaseDocument


@dataclass(frozen=True)
class Plan:
    exhibits: list[Exhibit]
    documents: dict[int, list[CaseDocument]] = field(default_factory=dict)  # number → documents


def plan_bundle(case: Case) -> Plan:
    exhibits = exhibits_for(case)
    # Availability records are drawn from the observatory (court.availability), not from files.
    filed = [exhibit for exhibit in exhibits if exhibit.kind != AVAILABILITY]
    wanted = {pk for exhibit in filed for pk in exhibit.document_ids}
    rows = CaseDocument.objects.filter(pk__in=wanted).select_related(
        "upload__filed", "upload__seal"
    )
    by_id = {row.pk: row for row in rows}
    documents = {
        exhibit.number: [by_id[pk] for pk in exhibit.document_ids if pk in by_id]
        for exhibit in filed
        if exhibit.document_ids
    }
    return Plan(exhibits, documents)
