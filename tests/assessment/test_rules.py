"""Each rule on its own, table-driven: the snapshot, the expected level (None: no reason)."""

from datetime import date, timedelta

import pytest

from creneau.assessment import rules
from creneau.assessment.metrics import compute
from creneau.assessment.rules import Level
from creneau.catalog.legal import citation

from .factories import CE_2020_ATTEMPTS, at, attempt, facts, weekly

MONDAY = date(2026, 3, 2)
EMAIL = attempt(at(2026, 3, 4, 11), channel="email", outcome="sent")
LETTER = attempt(at(2026, 3, 5, 11), channel="letter", outcome="delivered")
COUNTER = attempt(at(2026, 3, 6, 9), channel="counter", outcome="refused")


def judge(rule, snapshot, thresholds):
    return rule(snapshot, compute(snapshot), thresholds)


@pytest.mark.parametrize(
    ("attempts", "level"),
    [
        pytest.param(CE_2020_ATTEMPTS, Level.FATAL, id="ce-2020-four-captures-five-days"),
        pytest.param(weekly(MONDAY, 1, days=(0, 1, 2, 3)), Level.FATAL, id="one-week"),
        pytest.param(weekly(MONDAY, 2, days=(0, 3)), Level.MISSING, id="two-weeks"),
        pytest.param(weekly(MONDAY, 3, days=(0, 3)), Level.MET, id="three-weeks"),
        pytest.param([], None, id="nothing-to-spread"),
    ],
)
def test_spread_over_weeks(attempts, level, thresholds):
    reason = judge(rules.spread_over_weeks, facts(attempts), thresholds)
    assert (reason and reason.level) == level
    if reason:
        assert "435594" in reason.source


@pytest.mark.parametrize(
    ("kind", "weeks", "level"),
    [
        ("first_application", 3, Level.CAUTION),
        ("first_application", 9, Level.CAUTION),  # enough for court, short of "solid"
        ("first_application", 12, Level.MET),
        ("renewal", 3, Level.CAUTION),
        ("renewal", 5, Level.CAUTION),
        ("renewal", 8, Level.MET),
        ("other", 5, Level.CAUTION),
    ],
)
def test_practice_duration_follows_the_guide_per_procedure_kind(kind, weeks, level, thresholds):
    reason = judge(rules.practice_duration, facts(weekly(MONDAY, weeks), kind), thresholds)
    assert reason.level == level
    assert "pas une règle de droit" in reason.text
    assert "Guide Cimade-Gisti 2019" in reason.source


def test_between_the_minimum_and_the_solid_length_the_step_says_how_long_to_go_on(thresholds):
    nine_weeks = facts(weekly(MONDAY, 9), "first_application")
    reason = judge(rules.practice_duration, nine_weeks, thresholds)
    assert reason.next_step == "Continuer jusqu'à 12 semaines pour un dossier solide."


def test_practice_duration_says_how_many_attempts_and_weeks_remain(thresholds):
    snapshot = facts(weekly(MONDAY, 3, days=(0, 3)), "first_application")
    reason = judge(rules.practice_duration, snapshot, thresholds)
    # 8 weeks x 2 a week = 16 attempts, 6 done; 8 - 3 = 5 weeks to go.
    assert reason.next_step.startswith("Faire encore au moins 10 tentatives")
    assert "5 semaines de plus" in reason.next_step


@pytest.mark.parametrize(
    ("days", "level"),
    [((0,), Level.CAUTION), ((0, 3), Level.MET), ((0, 2, 4), Level.MET)],
)
def test_practice_frequency(days, level, thresholds):
    reason = judge(rules.practice_frequency, facts(weekly(MONDAY, 4, days=days)), thresholds)
    assert reason.level == level


@pytest.mark.parametrize(
    ("kind", "circumstances", "level"),
    [
        ("renewal", {}, Level.MET),
        ("first_application", {}, Level.MISSING),
        ("first_application", {"employment": True}, Level.MET),
        ("first_application", {"social_benefits": True}, Level.MET),
        ("first_application", {"has_particular_circumstances": True}, Level.MET),
        ("other", {}, Level.MISSING),
        ("first_application", {"unexecuted_oqtf": True}, None),
    ],
)
def test_urgency(kind, circumstances, level, thresholds):
    reason = judge(rules.urgency, facts(weekly(MONDAY, 3), kind, **circumstances), thresholds)
    assert (reason and reason.level) == level
    if reason:
        assert reason.source == "CE, 9 juin 2022, n° 453391"


def test_an_unexecuted_oqtf_is_fatal(thresholds):
    reason = judge(rules.unexecuted_oqtf, facts([], unexecuted_oqtf=True), thresholds)
    assert reason.level == Level.FATAL
    assert "453391" in reason.source
    assert judge(rules.unexecuted_oqtf, facts([]), thresholds) is None


@pytest.mark.parametrize(
    ("extra", "level"),
    [
        ([], Level.MISSING),
        ([attempt(EMAIL.at, "email", "sent", "manual", has_files=False)], Level.MISSING),
        ([attempt(EMAIL.at, "email", "sent", "sealed", has_files=False)], Level.MET),
        ([EMAIL], Level.MET),
        ([LETTER], Level.MET),
        ([COUNTER], Level.MISSING),
    ],
)
def test_written_request_needs_a_proven_email_or_letter(extra, level, thresholds):
    snapshot = facts([*weekly(MONDAY, 3), *extra])
    assert judge(rules.written_request, snapshot, thresholds).level == level


def test_written_request_asks_for_the_proof_of_a_declared_email(thresholds):
    declared = attempt(EMAIL.at, "email", "sent", "manual", has_files=False)
    reason = judge(rules.written_request, facts([*weekly(MONDAY, 3), declared]), thresholds)
    assert "1 demande écrite est déclarée sans justificatif joint." in reason.text
    assert reason.next_step.startswith("Joindre la copie de l'e-mail envoyé")


def test_written_request_suggests_a_letter_when_only_emails_were_sent(thresholds):
    reason = judge(rules.written_request, facts([*weekly(MONDAY, 3), EMAIL]), thresholds)
    assert "lettre recommandée" in reason.next_step
    reason = judge(rules.written_request, facts([*weekly(MONDAY, 3), EMAIL, LETTER]), thresholds)
    assert reason.next_step == ""


@pytest.mark.parametrize(
    ("extra", "level"),
    [([], Level.CAUTION), ([EMAIL], Level.CAUTION), ([EMAIL, COUNTER], Level.MET)],
)
def test_channel_diversity(extra, level, thresholds):
    snapshot = facts([*weekly(MONDAY, 3), *extra])
    assert judge(rules.channel_diversity, snapshot, thresholds).level == level


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        ((10,), Level.CAUTION),
        ((9, 10, 11), Level.CAUTION),  # three hours, but all in the morning
        ((9, 14), Level.CAUTION),
        ((9, 14, 19), Level.MET),
    ],
)
def test_varied_hours(hours, level, thresholds):
    snapshot = facts(weekly(MONDAY, 3, hours=hours))
    assert judge(rules.varied_hours, snapshot, thresholds).level == level


def test_varied_hours_is_silent_without_online_attempts(thresholds):
    assert judge(rules.varied_hours, facts([EMAIL, LETTER]), thresholds) is None


@pytest.mark.parametrize(
    ("second_day", "level"),
    [(date(2026, 3, 16), Level.MET), (date(2026, 3, 17), Level.CAUTION)],
)
def test_no_gap_longer_than_fourteen_days(second_day, level, thresholds):
    first = attempt(at(2026, 3, 2))
    second = attempt(at(second_day.year, second_day.month, second_day.day))
    assert judge(rules.no_long_gap, facts([first, second]), thresholds).level == level


@pytest.mark.parametrize(("idle", "level"), [(14, None), (15, Level.CAUTION)])
def test_recent_attempts(idle, level, thresholds):
    snapshot = facts(weekly(MONDAY, 3), today=date(2026, 3, 20) + timedelta(days=idle))
    reason = judge(rules.recent_attempts, snapshot, thresholds)
    assert (reason and reason.level) == level


def test_inconclusive_online_outcomes_are_excluded_and_counted(thresholds):
    inconclusive = [
        attempt(at(2026, 3, 3, 10), outcome=outcome)
        for outcome in ("error", "unknown", "captcha", "queue", "error")
    ]
    snapshot = facts([*weekly(MONDAY, 3), *inconclusive])
    metrics = compute(snapshot)
    assert metrics.counted == 9
    assert metrics.excluded == {"error": 2, "unknown": 1, "captcha": 1, "queue": 1}
    reason = judge(rules.excluded_outcomes, snapshot, thresholds)
    assert reason.level == Level.INFO
    assert reason.text.startswith("5 tentatives en ligne ne sont pas comptées")
    assert "erreur du site : 2" in reason.text


def test_attempts_without_proof_are_not_counted(thresholds):
    unproven = attempt(at(2026, 3, 3), "counter", "refused", "manual", has_files=False)
    snapshot = facts([*weekly(MONDAY, 3), unproven])
    assert compute(snapshot).counted == 9
    assert judge(rules.unproven_attempts, snapshot, thresholds).level == Level.INFO


def test_slots_seen_weaken_the_file(thresholds):
    seen = attempt(at(2026, 3, 3), outcome="slots_available")
    reason = judge(rules.slots_seen, facts([*weekly(MONDAY, 3), seen]), thresholds)
    assert reason.level == Level.CAUTION
    assert judge(rules.slots_seen, facts(weekly(MONDAY, 3)), thresholds) is None


@pytest.mark.parametrize(
    ("timestamped_weeks", "manual_weeks", "manual_files", "level"),
    [
        (3, 0, True, Level.MET),
        (2, 1, True, Level.INFO),  # declared, each with its dated capture: documented
        (0, 3, True, Level.INFO),
        (3, 1, False, Level.CAUTION),  # a quarter of the counted attempts bring nothing to file
    ],
)
def test_each_evidence_state_is_counted_in_the_one_vocabulary(
    timestamped_weeks, manual_weeks, manual_files, level, thresholds
):
    timestamped = weekly(MONDAY, timestamped_weeks, state="timestamped")
    manual = weekly(
        MONDAY + timedelta(weeks=timestamped_weeks),
        manual_weeks,
        evidence="manual",
        has_files=manual_files,
    )
    snapshot = facts([*timestamped, *manual])
    metrics = compute(snapshot)
    assert metrics.by_evidence == {
        "sealed": 3 * timestamped_weeks,
        "sent": 0,
        "manual": 3 * manual_weeks,
        "imported": 0,
    }
    declared = "declared_with_file" if manual_files else "declared_without_file"
    assert metrics.timestamped == 3 * timestamped_weeks
    assert getattr(metrics, declared) == 3 * manual_weeks
    reason = judge(rules.evidence_kinds, snapshot, thresholds)
    assert reason.level == level
    assert f"scellée et horodatée : {3 * timestamped_weeks}" in reason.text
    label = "déclarée avec fichier joint" if manual_files else "déclarée sans justificatif"
    assert f"{label} : {3 * manual_weeks}" in reason.text


def test_a_sealed_attempt_without_a_verified_token_is_never_said_to_be_timestamped(thresholds):
    snapshot = facts(weekly(MONDAY, 3))  # recorded as sealed, no verified state given

    metrics = compute(snapshot)
    reason = judge(rules.evidence_kinds, snapshot, thresholds)

    assert metrics.timestamped == 0 and metrics.awaiting_timestamp == 9
    assert "scellée et horodatée : 0" in reason.text
    assert "scellée, horodatage en attente : 9" in reason.text
    assert "attendent encore leur horodatage" in reason.text


def test_manual_online_declarations_without_a_file_are_flagged(thresholds):
    snapshot = facts(weekly(MONDAY, 3, evidence="manual", has_files=False))
    reason = judge(rules.evidence_kinds, snapshot, thresholds)
    assert "déclarée sans justificatif : 9" in reason.text
    assert reason.level == Level.MISSING


@pytest.mark.parametrize(
    ("expires_in", "level", "phrase"),
    [
        (None, Level.CAUTION, "n'est pas indiquée"),
        (200, Level.CAUTION, "pas encore ouverte"),
        (90, Level.INFO, "expire dans 90 jours"),
        # Attempts from 2 March, fewer than 60 days before expiry: the ANEF window had closed.
        (30, Level.CAUTION, "le délai de dépôt s'est fermé le 23/02/2026"),
        (-10, Level.MET, "a expiré depuis 10 jours"),
        (-2300, Level.CAUTION, "il y a 6 ans"),
    ],
)
def test_renewal_window(expires_in, level, phrase, thresholds):
    today = date(2026, 3, 25)
    expiry = None if expires_in is None else today + timedelta(days=expires_in)
    snapshot = facts(weekly(MONDAY, 3), today=today, title_expires_on=expiry)
    reason = judge(rules.renewal_window, snapshot, thresholds)
    assert reason.level == level
    assert phrase in reason.text
    assert reason.source == citation("ceseda_r431_5" if expires_in != -2300 else "ce_453391")
    assert "à vérifier" not in reason.text  # R. 431-5 was read in the text (verified_on)


def test_a_title_expiring_soon_is_acquired_when_the_steps_began_in_the_window(thresholds):
    """GIVEN weekly attempts from 5 January WHEN the title expires on 11 April, in 17 days on
    the day of the assessment THEN the urgency is « acquis »: the steps began before the 60th
    day (10 February)."""
    today = date(2026, 3, 25)
    history = weekly(date(2026, 1, 5), 11)
    snapshot = facts(history, today=today, title_expires_on=date(2026, 4, 11))
    reason = judge(rules.renewal_window, snapshot, thresholds)
    assert (reason.level, "expire dans 17 jours" in reason.text) == (Level.MET, True)


def test_a_title_expired_years_ago_is_not_an_urgency_by_itself(thresholds):
    """Issue 19: a title expired in 2020 was counted as urgent (« expiré depuis 2528 jours »)."""
    snapshot = facts(weekly(MONDAY, 3), today=date(2026, 3, 25), title_expires_on=date(2019, 2, 14))
    reason = judge(rules.renewal_window, snapshot, thresholds)
    assert reason.level == Level.CAUTION
    assert "a expiré le 14/02/2019, il y a 7 ans" in reason.text
    assert "jours" not in reason.text and reason.next_step


def test_renewal_window_only_concerns_renewals(thresholds):
    snapshot = facts(weekly(MONDAY, 3), "first_application", title_expires_on=date(2026, 4, 1))
    assert judge(rules.renewal_window, snapshot, thresholds) is None


@pytest.mark.parametrize(
    ("today", "level", "phrase"),
    [
        (date(2026, 7, 1), Level.INFO, "noter la date de tout dépôt"),
        (date(2026, 7, 2), Level.CAUTION, "un refus implicite est né"),
    ],
)
def test_implicit_rejection_after_four_months(today, level, phrase, thresholds):
    snapshot = facts(weekly(MONDAY, 3), today=today)  # first attempt on 2 March
    reason = judge(rules.implicit_rejection, snapshot, thresholds)
    assert reason.level == level
    assert phrase in reason.text
    assert "R. 432-2" in reason.source


def test_implicit_rejection_only_concerns_renewals(thresholds):
    snapshot = facts(weekly(MONDAY, 3), "first_application", today=date(2027, 1, 1))
    assert judge(rules.implicit_rejection, snapshot, thresholds) is None


def test_no_counted_attempt_is_fatal(thresholds):
    snapshot = facts([attempt(at(2026, 3, 2), outcome="error")])
    assert judge(rules.no_counted_attempt, snapshot, thresholds).level == Level.FATAL
