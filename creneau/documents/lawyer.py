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
from creneau.cases.models import Case
from creneau.documents.context import attempt_rows, common_context, summary
from creneau.documents.exhibits import exhibits_for
from creneau.documents.french import french_date
from creneau.documents.options import COMMON, parse_options

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
    attempts = list(case.attempts.all())
    exhibits = exhibits_for(case)
    context = common_context(case, options)
    rows = attempt_rows(attempts, exhibits, zone)
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
        "proven_count": sum(row["proven"] for row in rows),
        "declared_count": sum(not row["proven"] for row in rows),
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
