"""Which court route fits: the référé « mesures utiles », not yet, or not at all."""

from dataclasses import replace
from datetime import date

import pytest

from creneau.assessment.route import RouteKind
from creneau.assessment.thresholds import load_thresholds
from creneau.assessment.verdict import assess

from .factories import CE_2020_ATTEMPTS, facts, weekly

MONDAY = date(2026, 3, 2)
TODAY = date(2026, 5, 4)


@pytest.fixture
def thresholds():
    return load_thresholds()


def route_of(snapshot, thresholds):
    return assess(snapshot, thresholds).route


def solid(**kwargs):
    return facts(
        weekly(MONDAY, 8),
        kind="first_application",
        today=TODAY,
        has_particular_circumstances=True,
        **kwargs,
    )


def test_without_any_decision_the_referé_mesures_utiles_is_the_route(thresholds):
    route = route_of(solid(), thresholds)
    assert (route.kind, route.code) == (RouteKind.MESURES_UTILES, "no_decision")
    assert "article L. 521-3 du code de justice administrative" in route.sources


def test_an_express_refusal_closes_the_route_and_points_to_suspension_or_liberty(thresholds):
    route = route_of(solid(refused_on=date(2026, 4, 20)), thresholds)
    assert (route.kind, route.code) == (RouteKind.NOT_MESURES_UTILES, "explicit_refusal")
    assert route.decision_on == date(2026, 4, 20)
    assert "article L. 521-1" in route.reason and "article L. 521-2" in route.reason
    assert "au cas par cas avec un·e juriste ou un·e avocat·e" in route.reason
    assert "summary" in route.next_step


def test_four_months_of_silence_on_a_lodged_application_is_an_implicit_refusal(thresholds):
    pending = route_of(solid(application_filed_on=date(2026, 1, 5)), thresholds)
    assert (pending.kind, pending.code) == (RouteKind.MESURES_UTILES, "application_pending")
    assert pending.decision_on == date(2026, 5, 5)  # the day the refusal will be born
    born = route_of(solid(application_filed_on=date(2026, 1, 4)), thresholds)
    assert (born.kind, born.code) == (RouteKind.NOT_MESURES_UTILES, "implicit_rejection")
    assert born.decision_on == date(2026, 5, 4)
    assert "CE, avis, 6 mai 2025, n° 499904" in born.reason  # even with récépissés
    assert "CE, avis, 10 octobre 2024, n° 494718" in born.reason  # unless the file was incomplete


def test_an_unexecuted_oqtf_is_not_the_route_and_the_counter_is_not_advised(thresholds):
    result = assess(solid(unexecuted_oqtf=True), thresholds)
    assert (result.route.kind, result.route.code) == (
        RouteKind.NOT_MESURES_UTILES,
        "unexecuted_oqtf",
    )
    assert "interpellées" in result.next_steps[0]
    assert not any("passage au guichet" in step for step in result.next_steps)


def test_a_renewal_before_its_window_opens_is_premature(thresholds):
    snapshot = facts(weekly(MONDAY, 8), today=TODAY, title_expires_on=date(2026, 10, 1))
    route = route_of(snapshot, thresholds)
    assert (route.kind, route.code) == (RouteKind.PREMATURE, "renewal_window_not_open")
    assert "03/06/2026" in route.reason  # 120 days before the expiry


def test_the_facts_of_ce_10_juin_2020_are_premature_not_a_requete_to_file(thresholds):
    snapshot = facts(
        CE_2020_ATTEMPTS,
        kind="first_application",
        today=date(2019, 9, 20),
        has_particular_circumstances=True,
    )
    route = route_of(snapshot, thresholds)
    assert (route.kind, route.code) == (RouteKind.PREMATURE, "evidence_insufficient")
    assert "quatre captures" in route.reason


def test_a_refusal_dated_after_the_assessment_day_is_not_yet_a_decision(thresholds):
    snapshot = replace(solid(), refused_on=date(2026, 6, 1))
    assert route_of(snapshot, thresholds).kind == RouteKind.MESURES_UTILES
