"""The bundle's exhibits: the requête's plan plus the documents the volunteer added.

Identity documents go into the planned identity exhibit, the title (or récépissé) into the
planned title exhibit of a renewal; every other added document becomes one more exhibit,
numbered after the plan, so the numbers the requête's facts cite never move.
"""

from dataclasses import dataclass, field

from creneau.cases.models import Case
from creneau.court.models import CaseDocument
from creneau.documents.exhibits import Exhibit, exhibits_for
from creneau.documents.kinds import extended_exhibits

_PLANNED_KIND = {
    CaseDocument.Kind.IDENTITY: "identity",
    CaseDocument.Kind.RESIDENCE_TITLE: "residence_title",
    CaseDocument.Kind.RECEIPT: "residence_title",
}
_PREFIX = {
    CaseDocument.Kind.RESIDENCE_TITLE: "Copie du titre de séjour",
    CaseDocument.Kind.RECEIPT: "Récépissé ou attestation de prolongation de l'instruction",
    CaseDocument.Kind.URGENCY: "Justificatif de l'urgence",
    CaseDocument.Kind.IDENTITY: "Pièce d'identité",
}


@dataclass(frozen=True)
class Plan:
    exhibits: list[Exhibit]
    extra_labels: tuple[str, ...]  # passed to the requête as ``extra_exhibits``
    documents: dict[int, list[CaseDocument]] = field(default_factory=dict)  # number → documents


def added_label(document: CaseDocument) -> str:
    prefix = _PREFIX.get(CaseDocument.Kind(document.kind))
    label = document.label.strip()
    if not prefix:
        return label
    return f"{prefix} : {label}" if label and label.lower() != prefix.lower() else prefix


def plan_bundle(case: Case) -> Plan:
    planned = exhibits_for(case)
    by_kind = {exhibit.kind: exhibit.number for exhibit in planned}
    documents: dict[int, list[CaseDocument]] = {}
    extra: list[CaseDocument] = []
    added = CaseDocument.objects.filter(case=case).select_related("upload__filed", "upload__seal")
    for document in added:
        number = by_kind.get(_PLANNED_KIND.get(CaseDocument.Kind(document.kind), ""))
        if number:
            documents.setdefault(number, []).append(document)
        else:
            extra.append(document)
    labels = tuple(added_label(document) for document in extra)
    exhibits = extended_exhibits(planned, labels)
    for exhibit, document in zip(exhibits[len(planned) :], extra, strict=True):
        documents[exhibit.number] = [document]
    return Plan(exhibits, labels, documents)
