"""The note de synthèse for a lawyer: facts, decisions, steps taken and exhibits, in one place.

Produced for every case, and the one to prepare when the référé « mesures utiles » is not the
route (a decision exists): the référé-suspension (article L. 521-1 CJA, with a recours au fond)
or the référé-liberté (article L. 521-2) are to be examined case by case with a jurist or a
lawyer, as the associations' note says. The note states what the file holds; it argues nothing.
"""

from typing import Any

from django.utils import timezone

from creneau.assessment.route import RouteKind
from creneau.assessment.services import assess_case
from creneau.cases.filing import is_anef
from creneau.cases.models import Case
from creneau.documents.context import attempt_rows, common_context, split_by_proof, summary
from creneau.documents.diligences import diligences
from creneau.documents.exhibits import exhibits_for
from creneau.documents.french import french_date
from creneau.documents.options import COMMON, parse_options
from creneau.documents.requete_anef import anef_rows
from creneau.evidence.states import evidence_of

ROUTE_LABELS = {
    RouteKind.MESURES_UTILES: "Référé « mesures utiles » : voie adaptée",
    RouteKind.PREMATURE: "Référé « mesures utiles » : voie adaptée, mais trop tôt",
    RouteKind.NOT_MESURES_UTILES: "Référé « mesures utiles » : pas la bonne voie",
}


def _decisions(case: Case, born_on: Any) -> list[str]:
    lines = []
    if case.refused_on:
        lines.append(f"Refus explicite notifié le {french_date(case.refused_on)}.")
    if case.application_filed_on:
        line = f"Demande déposée le {french_date(case.application_filed_on)}"
        if born_on:
            line += f" ; sans réponse, refus implicite né le {french_date(born_on)}"
        lines.append(line + ".")
    if case.unexecuted_oqtf:
        lines.append("Obligation de quitter le territoire français non exécutée.")
    return lines


def build_summary_context(case: Case, **given: object) -> dict[str, Any]:
    options = parse_options(dict(COMMON), given)
    today = options["date"] or timezone.localdate()
    assessment = assess_case(case, today=today)
    route = assessment.route
    zone = case.department.zone
    attempts = list(case.attempts.select_related("detail", "detail__site"))
    evidence = evidence_of(attempts)
    proven, declared = split_by_proof(attempts, evidence)
    exhibits = exhibits_for(case)
    context = common_context(case, options)
    anef = is_anef(case)
    rows = (
        anef_rows(attempts, exhibits, zone, evidence)
        if anef
        else attempt_rows(attempts, exhibits, zone, evidence)
    )
    return context | {
        "route": {
            "label": ROUTE_LABELS[route.kind],
            "reason": route.reason,
            "closed": route.kind == RouteKind.NOT_MESURES_UTILES,
        },
        "decisions": _decisions(
            case, route.decision_on if route.code.startswith("implicit") else None
        ),
        "verdict": assessment.verdict.label,
        "reasons": [r.text for r in assessment.reasons if r.level in ("fatal", "missing")],
        "attempts": rows,
        "summary": summary(attempts, zone),
        "proven_summary": summary(proven, zone),
        "declared_summary": summary(declared, zone),
        "proven_count": sum(row["proven"] for row in rows),
        "declared_count": sum(not row["proven"] for row in rows),
        # ANEF: the diligences R. 431-2 asks for, justified and declared counted apart.
        "anef": anef,
        "filed_on": french_date(case.application_filed_on) if case.application_filed_on else "",
        "diligences": diligences(attempts, evidence, exhibits, zone) if anef else {},
        "exhibits": [
            {"number": e.number, "label": e.label, "provided": e.provided} for e in exhibits
        ],
        "urgency": {
            "expires": french_date(case.title_expires_on) if case.title_expires_on else "",
            "employment": case.employment,
            "social_benefits": case.social_benefits,
            "circumstances": [
                line.strip()
                for line in str(case.particular_circumstances or "").splitlines()
                if line.strip()
            ],
        },
    }
