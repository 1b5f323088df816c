"""What the case page and the requête need: the assessment, the chart as SVG and as PNG."""

from datetime import date
from typing import Any

from django.utils.safestring import mark_safe

from creneau.assessment.chart import Chart, build_chart, build_exhibit_chart
from creneau.assessment.chart_png import chart_png
from creneau.assessment.chart_svg import chart_svg
from creneau.assessment.services import Journal, snapshot_of
from creneau.assessment.thresholds import configured_thresholds
from creneau.assessment.verdict import assess
from creneau.cases.models import Case
from creneau.evidence.states import ORDER


def case_chart(case: Case, today: date | None = None) -> Chart:
    return build_chart(snapshot_of(case, today), configured_thresholds())


def case_chart_png(case: Case, today: date | None = None) -> bytes:
    """The timeline as a PNG, for the requête's exhibit or a PDF."""
    return chart_png(case_chart(case, today))


def exhibit_chart_png(case: Case, today: date | None = None) -> bytes:
    """The court exhibit's timeline: the person's steps only, no threshold (chart.py)."""
    return chart_png(build_exhibit_chart(snapshot_of(case, today)))


def assessment_context(
    case: Case, today: date | None = None, journal: Journal | None = None
) -> dict[str, Any]:
    """Context for ``assessment/_assessment.html`` and ``assessment/_chart.html`` (``journal``:
    the case's attempts, when the page has already loaded them)."""
    facts = snapshot_of(case, today, journal)
    thresholds = configured_thresholds()
    chart = build_chart(facts, thresholds)
    svg = chart_svg(chart, id_prefix=f"chart-{case.reference}")
    assessment = assess(facts, thresholds)
    metrics = assessment.metrics.as_dict()
    return {
        "assessment": assessment,
        # Every attempt by evidence state, in the one vocabulary (evidence.states).
        "evidence_states": [
            {"code": str(state), "label": state.label, "count": metrics[str(state)]}
            for state in ORDER
        ],
        "assessment_chart": chart,
        # chart_svg escapes every text and attribute it writes.
        "assessment_chart_svg": mark_safe(svg),  # noqa: S308
    }
