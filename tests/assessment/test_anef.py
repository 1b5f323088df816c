"""The assessment of ANEF cases: blockings, the contact centre, the PAN, the written request."""

from datetime import date

from creneau.assessment.facts import AttemptFact
from creneau.assessment.thresholds import load_thresholds
from creneau.assessment.verdict import assess
from tests.assessment.factories import at, facts

T = load_thresholds()


def blocked(when, **kw):
    return AttemptFact("online", when, "error", "manual", True, blocking=True, **kw)


def ccc(when, outcome="answered", **kw):
    return AttemptFact("ccc", when, outcome, "sealed", True, **kw)


def request(when):
    return AttemptFact("email", when, "sent", "sealed", True, purpose="substitute")


def reasons(assessment):
    return {r.code: r for r in assessment.reasons}


def full_journey():
    return [
        blocked(at(2026, 9, 1, 9)),
        blocked(at(2026, 9, 9, 19)),
        blocked(at(2026, 9, 22, 8)),
        ccc(at(2026, 9, 2), outcome="no_answer", ticket="T-1"),
        ccc(at(2026, 9, 10), ticket="T-2", certifies=True),
        AttemptFact("pan", at(2026, 9, 15), "refused", "manual", True, witnessed=True),
        request(at(2026, 9, 16)),
    ]


def test_without_a_documented_blocking_an_anef_case_is_insufficient_and_says_how_to_show_one():
    result = assess(facts([ccc(at(2026, 9, 2))], channel="anef", today=date(2026, 9, 20)), T)
    assert result.verdict == "insufficient"
    found = reasons(result)["anef_blocking"]
    assert found.level == "fatal" and "capture" in found.next_step
    assert "452798" in found.source and "R. 431-2" in found.source


def test_blockings_all_in_one_week_are_not_enough():
    attempts = [blocked(at(2026, 9, 1)), blocked(at(2026, 9, 3)), ccc(at(2026, 9, 2))]
    result = assess(facts(attempts, channel="anef"), T)
    found = reasons(result)["anef_blocking"]
    assert found.level == "missing" and "453391" in found.source


def test_the_reasons_count_the_contact_centre_contacts_and_cite_the_conseil_d_etat():
    result = assess(facts(full_journey(), kind="first_application", channel="anef"), T)
    data = result.as_dict()
    assert data["channel"] == "anef"
    ccc_reason = reasons(result)["ccc_contacted"]
    assert ccc_reason.text.startswith("2 contacts avec le centre de contact citoyen")
    assert "2 avec numéro de ticket" in ccc_reason.text and "1 sans réponse" in ccc_reason.text
    assert ccc_reason.level == "met"  # a documented answer certifies the impossibility
    assert any("452798" in r["source"] for r in data["reasons"])
    assert data["metrics"]["ccc_contacts"] == 2 and data["metrics"]["ccc_certified"] == 1
    assert data["metrics"]["pan_witnessed"] == 1 and data["metrics"]["requests_documented"] == 1
    for key in ("verdict", "reasons", "metrics", "route", "route_reason", "route_detail"):
        assert key in data
    assert "solution de substitution" in data["route_reason"] and "452798" in data["route_reason"]


def test_a_contact_without_written_proof_and_no_request_to_the_prefecture_are_what_is_missing():
    attempts = [
        blocked(at(2026, 9, 1)),
        blocked(at(2026, 9, 9)),
        AttemptFact("ccc", at(2026, 9, 2), "no_answer", "manual", False),
    ]
    result = assess(facts(attempts, kind="first_application", channel="anef"), T)
    found = reasons(result)
    assert found["ccc_contacted"].level == "missing"
    assert "ticket" in found["ccc_contacted"].next_step
    assert found["anef_written_request"].level == "missing"
    assert "solution de substitution" in found["anef_written_request"].next_step
    assert found["pan_visited"].level == "caution"
    assert result.verdict == "weak"


def test_a_renewal_expired_without_attestation_de_prolongation_makes_the_urgency_concrete():
    attempts = full_journey()
    result = assess(
        facts(
            attempts,
            channel="anef",
            title_expires_on=date(2026, 9, 30),
            provisional="none",
            today=date(2026, 10, 15),
        ),
        T,
    )
    found = reasons(result)
    assert found["anef_provisional"].level == "met"
    assert "R. 431-15-1" in found["anef_provisional"].source
    # First steps on 1 September: after the 60th day before expiry (1 August).
    assert found["anef_renewal_window"].level == "caution"


def test_a_valid_attestation_de_prolongation_weakens_the_urgency():
    result = assess(
        facts(
            full_journey(),
            channel="anef",
            title_expires_on=date(2026, 11, 30),
            provisional="attestation",
            provisional_until=date(2027, 1, 31),
        ),
        T,
    )
    found = reasons(result)
    assert found["anef_provisional"].level == "caution"
    assert found["anef_renewal_window"].level == "met"  # 1 September: 90 days before expiry


def test_an_application_filed_on_anef_asks_for_the_attestation_not_the_substitute_route():
    attempts = [ccc(at(2026, 9, 10), ticket="T-2"), request(at(2026, 9, 16))]
    result = assess(
        facts(
            attempts,
            channel="anef",
            title_expires_on=date(2026, 9, 30),
            application_filed_on=date(2026, 8, 1),
        ),
        T,
    )
    found = reasons(result)
    assert found["anef_blocking"].level == "info"
    assert "attestation de prolongation" in found["anef_written_request"].text
    assert result.route.code == "application_pending"
    assert "attestation de prolongation" in result.route.reason


def test_a_booking_case_keeps_its_own_rules():
    result = assess(facts([blocked(at(2026, 9, 1))]), T)
    assert "anef_blocking" not in reasons(result)
    assert (
        result.as_dict()["channel"] == "booking" and "ccc_contacts" not in result.metrics.as_dict()
    )
