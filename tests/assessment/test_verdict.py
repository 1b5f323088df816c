"""Typical files and the verdict they get; properties that hold for any journal."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creneau.assessment.facts import EVIDENCE_KINDS
from creneau.assessment.verdict import Verdict, assess

from .factories import CE_2020_ATTEMPTS, at, attempt, facts, weekly

MONDAY = date(2026, 3, 2)
EMAIL = attempt(at(2026, 3, 4, 11), channel="email", outcome="sent")
LETTER = attempt(at(2026, 3, 11, 11), channel="letter", outcome="delivered")
COUNTER = attempt(at(2026, 3, 18, 9), channel="counter", outcome="refused")
RANK = list(Verdict)


def strong_first_application():
    return [*weekly(MONDAY, 13), EMAIL, LETTER, COUNTER]


def test_four_captures_in_five_days_are_insufficient(thresholds):
    """GIVEN the evidence of CE 10 juin 2020 n° 435594 (4 captures, 1 letter, 1 e-mail)
    WHEN it is assessed as a first application with particular circumstances
    THEN the verdict is insufficient, citing that decision."""
    snapshot = facts(CE_2020_ATTEMPTS, "first_application", has_particular_circumstances=True)
    result = assess(snapshot, thresholds)
    assert result.verdict == Verdict.INSUFFICIENT
    fatal = [r for r in result.reasons if r.level == "fatal"]
    assert [r.code for r in fatal] == ["spread_over_weeks"]
    assert fatal[0].source == "CE, 10 juin 2020, n° 435594"


def test_a_renewal_with_five_weeks_of_varied_attempts_and_an_email_is_at_least_adequate(
    thresholds,
):
    attempts = [*weekly(MONDAY, 5, days=(0, 3), hours=(8, 13, 20)), EMAIL]
    snapshot = facts(attempts, "renewal", title_expires_on=date(2026, 4, 20))
    result = assess(snapshot, thresholds)
    assert RANK.index(result.verdict) >= RANK.index(Verdict.ADEQUATE)


def test_an_unexecuted_oqtf_is_insufficient_whatever_the_evidence(thresholds):
    snapshot = facts(
        strong_first_application(), "first_application", employment=True, unexecuted_oqtf=True
    )
    result = assess(snapshot, thresholds)
    assert result.verdict == Verdict.INSUFFICIENT
    assert result.reasons[0].code == "unexecuted_oqtf"
    assert "association" in result.next_steps[0]


def test_a_strong_first_application_is_strong_and_without_circumstances_weak(thresholds):
    with_circumstances = facts(
        strong_first_application(), "first_application", has_particular_circumstances=True
    )
    assert assess(with_circumstances, thresholds).verdict == Verdict.STRONG
    without = facts(strong_first_application(), "first_application")
    assert assess(without, thresholds).verdict == Verdict.WEAK


def test_errors_and_unknown_pages_never_make_a_file(thresholds):
    outcomes = ("error", "unknown", "captcha", "queue", "closed")
    attempts = [
        attempt(at(2026, 3, 2) + timedelta(days=i), outcome=outcomes[i % len(outcomes)])
        for i in range(60)
    ]
    result = assess(facts([*attempts, EMAIL]), thresholds)
    assert result.metrics.counted == 1
    assert result.metrics.excluded_total == 60
    assert result.verdict == Verdict.INSUFFICIENT


def test_next_steps_are_concrete_for_a_thin_file(thresholds):
    snapshot = facts(weekly(MONDAY, 2, days=(0,), hours=(10,)), "first_application")
    steps = assess(snapshot, thresholds).next_steps
    text = "\n".join(steps)
    assert "Faire encore au moins 14 tentatives, sur au moins 6 semaines de plus" in text
    assert "Envoyer un e-mail au service des étrangers" in text
    assert "lettre recommandée" in text
    assert "heures variées" in text
    assert "circonstances particulières" in text
    assert len(steps) == len(set(steps))


def test_the_assessment_serialises_to_the_documented_json_shape(thresholds):
    result = assess(facts(CE_2020_ATTEMPTS, "first_application"), thresholds)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["verdict"] == "insufficient"
    assert data["advisory"] is True
    assert "Une personne décide" in data["advisory_text"]
    assert {"code", "level", "text", "source"} == set(data["reasons"][0])
    metrics = data["metrics"]
    assert metrics["by_channel"] == {"online": 4, "letter": 1, "email": 1}
    assert metrics["by_evidence"] == {"sealed": 0, "sent": 0, "manual": 6, "imported": 0}
    assert metrics["distinct_weeks"] == 2
    assert metrics["span_days"] == 5
    assert metrics["first_date"] == "2019-09-13"
    assert metrics["last_date"] == "2019-09-18"
    assert metrics["written_requests"] == 2


def test_hours_and_days_are_read_in_paris_time(thresholds):
    # 23:30 UTC on Sunday 8 March is 00:30 on Monday 9 March in Paris: a new ISO week.
    from datetime import UTC, datetime

    late = attempt(datetime(2026, 3, 8, 23, 30, tzinfo=UTC))
    result = assess(facts([attempt(at(2026, 3, 2, 9)), late]), thresholds)
    assert result.metrics.weeks == ["2026-W10", "2026-W11"]
    assert result.metrics.last_date == date(2026, 3, 9)


ATTEMPTS = st.builds(
    attempt,
    st.datetimes(
        min_value=at(2025, 1, 1).replace(tzinfo=None), max_value=at(2026, 6, 1).replace(tzinfo=None)
    ).map(lambda moment: moment.replace(tzinfo=at(2026, 1, 1).tzinfo)),
    st.sampled_from(["online", "email", "letter", "counter", "ccc", "ddd", "phone", "other"]),
    st.sampled_from(
        [
            "no_slot",
            "slots_available",
            "closed",
            "error",
            "captcha",
            "queue",
            "unknown",
            "sent",
            "delivered",
            "refused",
            "answered",
            "no_answer",
        ]
    ),
    st.sampled_from(EVIDENCE_KINDS),
    st.booleans(),
)
FACTS = st.builds(
    facts,
    st.lists(ATTEMPTS, max_size=40),
    st.sampled_from(["first_application", "renewal", "other"]),
    st.dates(min_value=date(2026, 6, 2), max_value=date(2027, 6, 1)),
    title_expires_on=st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)),
    employment=st.booleans(),
    has_particular_circumstances=st.booleans(),
    unexecuted_oqtf=st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(FACTS)
def test_every_reason_names_a_source_and_a_text_for_any_journal(snapshot):
    from creneau.assessment.thresholds import load_thresholds

    result = assess(snapshot, load_thresholds())
    assert result.reasons
    for reason in result.reasons:
        assert reason.source.strip()
        assert reason.text.strip()
    assert sum(result.metrics.by_evidence.values()) == result.metrics.counted
    if snapshot.unexecuted_oqtf or result.metrics.counted == 0:
        assert result.verdict == Verdict.INSUFFICIENT


@pytest.mark.parametrize("kind", ["first_application", "renewal", "other"])
def test_more_evidence_never_lowers_the_verdict_of_a_regular_file(kind, thresholds):
    verdicts = [
        assess(facts([*weekly(MONDAY, weeks), EMAIL], kind, employment=True), thresholds).verdict
        for weeks in range(1, 16)
    ]
    ranks = [RANK.index(verdict) for verdict in verdicts]
    assert ranks == sorted(ranks)
