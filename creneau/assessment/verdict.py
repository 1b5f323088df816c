"""Combine the rules' reasons into a verdict, the metrics and the next steps.

The verdict is the gravest cap any reason imposes: one fatal reason makes the file insufficient,
one missing element caps it at weak, one caution at adequate. Advisory only: a person decides.
"""

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from creneau.assessment.anef import AnefMetrics, anef_route, compute_anef, evaluate_anef, is_anef
from creneau.assessment.facts import CaseFacts
from creneau.assessment.metrics import Metrics, compute
from creneau.assessment.route import Route, RouteKind, route_of
from creneau.assessment.rules import Level, Reason, evaluate
from creneau.assessment.thresholds import Thresholds


class Verdict(StrEnum):
    INSUFFICIENT = "insufficient"
    WEAK = "weak"
    ADEQUATE = "adequate"
    STRONG = "strong"

    @property
    def label(self) -> str:
        return {
            Verdict.INSUFFICIENT: _("insuffisant"),
            Verdict.WEAK: _("fragile"),
            Verdict.ADEQUATE: _("correct"),
            Verdict.STRONG: _("solide"),
        }[self]


# The best verdict a file can reach while it carries a reason of this level.
CAPS = {
    Level.FATAL: Verdict.INSUFFICIENT,
    Level.MISSING: Verdict.WEAK,
    Level.CAUTION: Verdict.ADEQUATE,
}
ORDER = list(Verdict)
GRAVITY = [Level.FATAL, Level.MISSING, Level.CAUTION, Level.INFO, Level.MET]


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    metrics: Metrics
    next_steps: tuple[str, ...]
    today: date
    unverified_thresholds: tuple[str, ...]
    route: Route
    channel: str = "booking"  # the route of the application (cases.filing)
    anef: AnefMetrics | None = None  # the ANEF journey's counts, for an ANEF case

    @property
    def advisory_text(self) -> str:
        return _(
            "Évaluation indicative, calculée à partir du journal : elle ne remplace pas l'avis "
            "d'une association ou d'un·e avocat·e. Une personne décide de saisir ou non le "
            "tribunal. Les durées et fréquences viennent de la pratique des associations, pas de "
            "la loi."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "verdict_label": self.verdict.label,
            "advisory": True,
            "advisory_text": self.advisory_text,
            "computed_for": self.today.isoformat(),
            "reasons": [
                {"code": r.code, "level": str(r.level), "text": r.text, "source": r.source}
                for r in self.reasons
            ],
            "metrics": self.metrics.as_dict() | (self.anef.as_dict() if self.anef else {}),
            "next_steps": list(self.next_steps),
            "unverified_thresholds": list(self.unverified_thresholds),
            "route": str(self.route.kind),
            "route_reason": self.route.reason,
            "route_detail": self.route.as_dict(),
            "channel": self.channel,
        }


def verdict_of(reasons: list[Reason]) -> Verdict:
    caps = [CAPS[reason.level] for reason in reasons if reason.level in CAPS]
    return min(caps, key=ORDER.index, default=Verdict.STRONG)


def next_steps(reasons: list[Reason], verdict: Verdict, route: Route) -> tuple[str, ...]:
    """The route's step, then each reason's suggested step, gravest first, without repeats."""
    ordered = sorted(reasons, key=lambda reason: GRAVITY.index(reason.level))
    steps = [route.next_step] if route.next_step else []
    steps += [reason.next_step for reason in ordered if reason.next_step]
    steps = list(dict.fromkeys(steps))
    if route.kind == RouteKind.MESURES_UTILES and verdict in (Verdict.ADEQUATE, Verdict.STRONG):
        steps.append(
            _("Relire le dossier avec la personne et décider ensemble de préparer la requête.")
        )
    return tuple(steps)


def assess(facts: CaseFacts, thresholds: Thresholds) -> Assessment:
    if facts.renewal_window_days is None:
        # The widest R.431-5 window (ANEF titles): attempts before it set nothing aside wrongly.
        facts = replace(facts, renewal_window_days=thresholds.whole("renewal_window_anef_days"))
    metrics = compute(facts)
    anef = compute_anef(facts) if is_anef(facts) else None
    if anef is not None:
        reasons = evaluate_anef(facts, metrics, anef, thresholds)
    else:
        reasons = evaluate(facts, metrics, thresholds)
    verdict = verdict_of(reasons)
    fatal = [r.text for r in reasons if r.level == Level.FATAL and r.code != "unexecuted_oqtf"]
    route = route_of(facts, fatal, thresholds.whole("implicit_rejection_months"))
    if anef is not None:
        route = anef_route(route, facts)
    return Assessment(
        verdict=verdict,
        reasons=tuple(sorted(reasons, key=lambda reason: GRAVITY.index(reason.level))),
        metrics=metrics,
        next_steps=next_steps(reasons, verdict, route),
        today=facts.today,
        unverified_thresholds=tuple(thresholds.unverified),
        route=route,
        channel=facts.channel,
        anef=anef,
    )
