"""The one honesty rule: a failed visit is a failure, never ``no_slot``, whoever judged it."""

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creneau.cases.models import ONLINE_OUTCOMES
from creneau.lib.browser import PageSnapshot
from creneau.watch.classify import Classification
from creneau.watch.honesty import GATES, honest, read

LEGACY_PAGE = (
    "<html><body><form action='/booking/create/9845/1'><p>Il n'existe plus de plage horaire "
    "libre pour votre demande de rendez-vous. Veuillez recommencer ultérieurement.</p>"
    "</form></body></html>"
)
LEGACY_URL = "https://www.rdv.93.gouv.fr/booking/create/9845/1"


def snapshot(**fields: Any) -> PageSnapshot:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "requested_url": "https://example.test/",
        "final_url": "https://example.test/",
        "status": 200,
        "headers": (),
        "html": "<html><body></body></html>",
        "visible_text": "",
        "mhtml": b"",
        "screenshot": b"\x89PNG",
        "dialogs": (),
        "started_at": now,
        "finished_at": now,
        "browser_version": "test",
        "user_agent": "test",
        "viewport_width": 1366,
    }
    return PageSnapshot(**(values | fields))


def test_a_failed_step_turns_no_slot_into_an_error():
    result = honest(snapshot(error="step 2 (click #next) failed"), Classification("no_slot"))

    assert (result.outcome, result.matched) == ("error", "step 2 (click #next) failed")


def test_an_http_error_status_is_never_no_slot_or_slots():
    assert honest(snapshot(status=503), Classification("no_slot")).outcome == "error"
    assert honest(snapshot(status=404), Classification("slots_available")).outcome == "error"


def test_a_visit_without_a_screenshot_is_an_error_whatever_was_read():
    assert honest(snapshot(screenshot=b""), Classification("no_slot")).outcome == "error"
    assert honest(snapshot(screenshot=b""), Classification("captcha")).outcome == "error"


def test_an_answer_that_is_not_an_online_outcome_is_unknown():
    assert honest(snapshot(), Classification("sent")).outcome == "unknown"


def test_a_gate_page_keeps_its_outcome_when_the_steps_or_the_status_failed():
    failed = snapshot(error="step 1 (check #condition) failed", status=403)

    assert honest(failed, Classification("captcha")).outcome == "captcha"
    assert honest(snapshot(error="step 1 failed"), Classification("queue")).outcome == "queue"
    assert honest(snapshot(status=429), Classification("queue")).outcome == "queue"


def test_a_clean_attempt_keeps_its_judgement():
    assert honest(snapshot(), Classification("no_slot", "legacy", "x")).outcome == "no_slot"


def test_the_generic_reading_of_a_visited_page_follows_the_rule():
    page = {"html": LEGACY_PAGE, "final_url": LEGACY_URL, "visible_text": LEGACY_PAGE}
    assert read(snapshot(**page)).outcome == "no_slot"
    failed = read(snapshot(**page, error="step 2 (click #next) failed"))
    assert (failed.outcome, failed.matched) == ("error", "step 2 (click #next) failed")


@given(
    outcome=st.sampled_from([*sorted(ONLINE_OUTCOMES), "sent", "", "no-slot"]),
    error=st.sampled_from(["", "timeout"]),
    status=st.sampled_from([None, 200, 302, 403, 429, 500, 503]),
    screenshot=st.sampled_from([b"", b"\x89PNG"]),
)
def test_no_slot_survives_only_a_clean_visit(outcome, error, status, screenshot):
    visit = snapshot(error=error, status=status, screenshot=screenshot)
    result = honest(visit, Classification(outcome))
    assert result.outcome in ONLINE_OUTCOMES
    if result.outcome == "no_slot":
        assert not error and screenshot and (status or 0) < 400
    if outcome in GATES and screenshot:
        assert result.outcome == outcome


@pytest.mark.parametrize("outcome", sorted(GATES))
def test_a_watched_and_a_sealed_gate_page_are_recorded_alike(outcome):
    """The same page with a failed step once was `captcha` when watched and `error` when sealed:
    both paths now go through this one rule."""
    assert honest(snapshot(error="step 3 failed"), Classification(outcome)).outcome == outcome
