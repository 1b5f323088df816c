"""The legacy ``booking/create`` driver against its simulator, in real Chromium."""

import pytest

from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, driver_for
from creneau.watch.drivers.base import DriverConfigError
from tests.watch.conftest import QUICK_TIMEOUT_S, TIMEOUT_S

NO_SLOT = "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous."

pytestmark = pytest.mark.browser


def test_it_reaches_the_no_slot_form_through_the_desk_choice(sim: SimulatorServer):
    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=TIMEOUT_S)

    assert snapshot.final_url == sim.base_url + "/93/booking/create/9845/2"
    assert NO_SLOT in snapshot.visible_text
    assert snapshot.error == ""
    assert (result.outcome, result.system) == ("no_slot", "legacy")
    assert NO_SLOT in result.matched
    assert sim.stats()["by_path"][sim.base_url[7:] + "/93/booking/create/9845/1"] == 2  # GET, POST


def test_it_reaches_the_no_slot_form_right_after_the_conditions_for_a_single_desk(
    sim: SimulatorServer,
):
    snapshot, result = attempt(sim.url("legacy", 1), "legacy", {}, timeout_s=TIMEOUT_S)

    assert snapshot.final_url.endswith("/92/booking/create/4462/2")
    assert NO_SLOT in snapshot.visible_text
    assert result.outcome == "no_slot"


def test_it_stops_on_the_calendar_without_holding_a_slot(sim: SimulatorServer):
    sim.set_state("legacy", "slots")

    snapshot, result = attempt(sim.url("legacy"), "legacy", {"desk": "14002"}, timeout_s=TIMEOUT_S)

    assert snapshot.final_url.endswith("/93/booking/create/9845/4")
    assert "Choix d'une plage" in snapshot.visible_text
    assert 'class="status-1 free"' in snapshot.html
    assert result.outcome == "slots_available"
    assert not any("/5/" in path for path in sim.stats()["by_path"])


def test_a_502_page_is_an_error(sim: SimulatorServer):
    sim.set_state("legacy", "error502")

    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=QUICK_TIMEOUT_S)

    assert snapshot.status == 502
    assert "502 Bad Gateway" in snapshot.visible_text
    assert result.outcome == "error"


def test_a_slow_answer_beyond_the_timeout_is_an_error_never_no_slot(sim: SimulatorServer):
    sim.set_state("legacy", "slow", delay_ms=5000)  # would then show the no-slot form

    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=1.0)

    assert "navigation failed" in snapshot.error
    assert NO_SLOT not in snapshot.visible_text
    assert result.outcome == "error"


def test_a_waiting_room_is_queue(sim: SimulatorServer):
    sim.set_state("legacy", "queue")

    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=QUICK_TIMEOUT_S)

    assert "/queue-it/" in snapshot.final_url
    assert "Vous êtes dans la file d'attente" in snapshot.visible_text
    assert result.outcome == "queue"


def test_a_challenge_in_front_of_the_module_is_captcha(sim: SimulatorServer):
    sim.set_state("legacy", "captcha")

    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=QUICK_TIMEOUT_S)

    assert snapshot.status == 403
    assert "Vérification de sécurité" in snapshot.visible_text
    assert result.outcome == "captcha"


def test_a_closed_module_is_closed(sim: SimulatorServer):
    sim.set_state("legacy", "closed")

    snapshot, result = attempt(sim.url("legacy"), "legacy", {}, timeout_s=QUICK_TIMEOUT_S)

    assert "Cette page n'est pas disponible pour le moment" in snapshot.visible_text
    assert result.outcome == "closed"


def test_it_refuses_a_desk_value_that_would_break_its_selector():
    with pytest.raises(DriverConfigError):
        driver_for("legacy").steps({"desk": "1'] , input[name=x"})
