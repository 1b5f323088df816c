import io
from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image

from creneau.assessment.context import assessment_context, case_chart_png
from creneau.assessment.models import CaseAssessment, with_verdict
from creneau.assessment.services import (
    assess_case,
    journal_of,
    refresh_assessment,
    snapshot_of,
)
from creneau.cases.models import AnefJourney, Attempt, AttemptFile, Case
from creneau.evidence.models import Blob

from .factories import at, attempt, weekly

MONDAY = date(2026, 3, 2)
EMAIL = attempt(at(2026, 3, 4, 11), channel="email", outcome="sent")


@pytest.mark.django_db
def test_the_snapshot_carries_facts_but_not_the_circumstances_text(case_factory):
    case = case_factory(
        [attempt(at(2026, 3, 2), evidence="imported", has_files=False)],
        procedure_kind="first_application",
        particular_circumstances="stage obligatoire en avril",
        employment=True,
    )
    snapshot = snapshot_of(case, today=date(2026, 3, 5))
    assert snapshot.has_particular_circumstances is True
    assert snapshot.employment is True
    assert snapshot.attempts[0].evidence == "imported"
    assert snapshot.attempts[0].has_files is False
    assert "stage" not in repr(snapshot)


@pytest.mark.django_db
def test_the_stored_verdict_follows_the_journal_and_filters_the_case_list(case_factory):
    """GIVEN a renewal with two weeks of attempts
    WHEN its journal grows to five weeks and an e-mail, and the assessment is refreshed
    THEN the stored verdict moves up and the case list filters on it."""
    case = case_factory(weekly(MONDAY, 2), title_expires_on=date(2026, 4, 20))
    other = case_factory([])
    refresh_assessment(case)
    refresh_assessment(other)
    assert case.assessment.verdict == "weak"
    for number, fact in enumerate([*weekly(date(2026, 3, 16), 3), EMAIL]):
        row = Attempt.objects.create(
            case=case, channel=fact.channel, at=fact.at, outcome=fact.outcome, source="sealed"
        )
        # Each with its file (a screenshot, the sent e-mail): every step is documented.
        blob = Blob.objects.create(sha256=f"{number:064x}", size=1)
        AttemptFile.objects.create(attempt=row, blob=blob, name="preuve")
    stored = refresh_assessment(case)
    assert stored.verdict in {"adequate", "strong"}
    assert stored.payload["verdict"] == stored.verdict
    assert CaseAssessment.objects.count() == 2
    assert list(with_verdict(Case.objects.all(), "insufficient")) == [other]
    assert list(with_verdict(Case.objects.all(), stored.verdict)) == [case]


@pytest.mark.django_db
def test_the_case_page_snippets_render_verdict_reasons_sources_steps_and_chart(case_factory):
    case = case_factory([*weekly(MONDAY, 2), EMAIL])
    context = assessment_context(case, today=date(2026, 3, 16))
    html = render_to_string("assessment/_assessment.html", context)
    assert "Évaluation : <strong>fragile</strong>" in html
    assert "CE, 10 juin 2020, n° 435594" in html
    assert "Prochaines étapes" in html
    assert "Une personne décide" in html
    chart = render_to_string("assessment/_chart.html", context)
    assert chart.count('class="week"') == 4  # two weeks done, extended to the four advised
    assert f'id="chart-{case.reference}-title"' in chart
    assert "&lt;" not in chart.split("<figcaption>")[0][:200]  # the SVG is not double-escaped


@pytest.mark.django_db
def test_the_chart_png_for_the_requete(case_factory):
    case = case_factory(weekly(MONDAY, 3))
    assert Image.open(io.BytesIO(case_chart_png(case))).size == (840, 600)


@pytest.mark.django_db
def test_assess_case_is_read_only(case_factory):
    case = case_factory(weekly(MONDAY, 3))
    assess_case(case)
    assert not CaseAssessment.objects.exists()


@pytest.mark.django_db
def test_refresh_all_stores_a_verdict_for_every_case(case_factory):
    from creneau.assessment.services import refresh_all

    first, second = case_factory(weekly(MONDAY, 3)), case_factory([])
    assert refresh_all(Case.objects.filter(pk__in=[first.pk, second.pk])) == 2
    assert CaseAssessment.objects.get(case=second).verdict == "insufficient"


@pytest.mark.django_db
def test_the_journal_reads_the_anef_journey_loaded_with_the_case_or_asks_for_it(case_factory):
    case = case_factory([attempt(at(2026, 3, 2))])
    assert journal_of(Case.objects.get(pk=case.pk)).journey is None
    assert journal_of(Case.objects.select_related("anef").get(pk=case.pk)).journey is None

    AnefJourney.objects.create(case=case, demarche="Étudiant", provisional="recepisse")
    asked = Case.objects.get(pk=case.pk)
    loaded = Case.objects.select_related("anef").get(pk=case.pk)
    with CaptureQueriesContext(connection) as asking:
        by_query = journal_of(asked).journey
    with CaptureQueriesContext(connection) as reading:
        by_case = journal_of(loaded).journey
    assert by_query is not None and by_case is not None
    assert (by_case.pk, by_case.demarche, by_case.provisional) == (
        by_query.pk,
        "Étudiant",
        "recepisse",
    )
    assert len(reading.captured_queries) == len(asking.captured_queries) - 1
