"""Every driver honours the base contract; failures never read as ``no_slot``."""

from datetime import UTC, datetime
from typing import Any

import pytest

from creneau.catalog.models import BookingSystem
from creneau.lib.browser import PageSnapshot, Step
from creneau.watch.classify import Classification
from creneau.watch.drivers import DRIVERS, UnknownSystemError, driver_for
from creneau.watch.drivers.base import Driver, honest


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
        "screenshot": b"",
        "dialogs": (),
        "started_at": now,
        "finished_at": now,
        "browser_version": "test",
        "user_agent": "test",
        "viewport_width": 1366,
    }
    return PageSnapshot(**(values | fields))


def test_there_is_a_driver_for_every_booking_system():
    assert set(DRIVERS) == set(BookingSystem.values)


@pytest.mark.parametrize("system", sorted(DRIVERS))
def test_each_driver_satisfies_the_contract(system: str):
    driver = driver_for(system)

    assert isinstance(driver, Driver)
    assert driver.system == system
    assert driver.mode in {"automatic", "assisted", "alert_only"}
    steps = driver.steps({})
    assert all(isinstance(step, Step) for step in steps)
    assert all(step.action != "goto" for step in steps)  # the page URL is the only entry


def test_an_unknown_system_has_no_driver():
    with pytest.raises(UnknownSystemError):
        driver_for("minitel")


def test_a_failed_step_turns_no_slot_into_an_error():
    result = honest(snapshot(error="step 2 (click #next) failed"), Classification("no_slot"))

    assert result.outcome == "error"
    assert result.matched == "step 2 (click #next) failed"


def test_an_http_error_status_is_never_no_slot_or_slots():
    assert honest(snapshot(status=503), Classification("no_slot")).outcome == "error"
    assert honest(snapshot(status=404), Classification("slots_available")).outcome == "error"


def test_a_gate_page_keeps_its_outcome_when_the_steps_stop_on_it():
    failed = snapshot(error="step 1 (check #condition) failed", status=403)

    assert honest(failed, Classification("captcha")).outcome == "captcha"
    assert honest(snapshot(error="step 1 failed"), Classification("queue")).outcome == "queue"


def test_a_clean_attempt_keeps_its_judgement():
    assert honest(snapshot(), Classification("no_slot", "legacy", "x")).outcome == "no_slot"
