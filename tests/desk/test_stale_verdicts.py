"""Issue 20: lists refresh a bounded number of stale verdicts and never show the rest as current.

The stored verdict is a cache. After a bulk change more verdicts are stale than a page may
recompute (``PAGE_REFRESH``): the page recomputes that many, says how many wait, shows no
stale verdict as the case's verdict and leaves those cases out of verdict filters until the
periodic sweep has recomputed them.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creneau.assessment.models import CaseAssessment, FreshMark
from creneau.assessment.services import PAGE_REFRESH, refresh_stale
from creneau.cases.models import Case
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
EXTRA = 5


def stale_strong_verdicts(personas, count: int) -> list[Case]:
    """``count`` new cases (really « insuffisant ») whose stored verdict says « solide » and
    is older than their last change."""
    cases = [make_case(personas.group, family_name=f"N{n}") for n in range(count)]
    long_ago = timezone.now() - timedelta(days=2)
    for case in cases:
        CaseAssessment.objects.create(case=case, verdict="strong", computed_at=long_ago)
    return cases


def test_the_list_recomputes_a_page_worth_and_shows_no_stale_verdict_as_current(personas):
    cases = stale_strong_verdicts(personas, PAGE_REFRESH + EXTRA)
    client = personas.client_for(personas.alice)

    page = client.get(reverse("case-list"))
    text = page.content.decode()
    assert page.context["pending"] == EXTRA
    assert f"{EXTRA} évaluations sont en cours de mise à jour" in text
    assert "verdict-strong" not in text  # never the stale « solide » badge
    assert text.count("évaluation en cours de mise à jour") == EXTRA
    assert text.count("verdict-insufficient") == PAGE_REFRESH

    strong = client.get(reverse("case-list"), {"verdict": "strong"}).content.decode()
    assert not any(case.reference in strong for case in cases)


def test_the_dashboard_leaves_stale_verdicts_out_of_its_verdict_lists(personas):
    stale_strong_verdicts(personas, PAGE_REFRESH + EXTRA)
    response = personas.client_for(personas.alice).get("/tableau-de-bord/")
    assert response.context["pending"] == EXTRA
    ready = next(s for s in response.context["sections"] if s.key == "ready")
    assert ready.count == 0
    assert "verdict-strong" not in response.content.decode()


def test_after_a_full_sweep_only_cases_changed_since_are_looked_at(personas):
    """The sweep moves the mark; a change made later is still found (``updated_at`` moves to
    the time of the change), and its verdict recomputed by the next list."""
    case = make_case(personas.group)
    assert refresh_stale() == 1
    mark = FreshMark.objects.get().fresh_before
    assert mark < timezone.now()
    CaseAssessment.objects.filter(case=case).update(verdict="strong")
    Case.objects.filter(pk=case.pk).note_change()

    page = personas.client_for(personas.alice).get(reverse("case-list"))
    assert page.context["pending"] == 0
    assert CaseAssessment.objects.get(case=case).verdict == "insufficient"
