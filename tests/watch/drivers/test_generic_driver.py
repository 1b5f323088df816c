"""The generic driver judges with the texts configured for the site, visible text only."""

from typing import Any

import pytest

from creneau.lib.browser import Probe, Ready, Step
from creneau.simulators import generic as generic_site
from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, driver_for
from creneau.watch.drivers.base import DriverConfigError
from creneau.watch.drivers.generic import parse_steps
from tests.watch.conftest import QUICK_TIMEOUT_S, TIMEOUT_S
from tests.watch.test_honesty import snapshot

CONFIG: dict[str, Any] = {
    "no_slot_texts": [generic_site.NO_SLOT],
    "slot_selectors": ["ul.creneaux li"],
    "steps": [{"action": "click", "selector": "#voir-disponibilites"}],
}


def judge(config: dict[str, Any], **fields: Any):
    return driver_for("generic").judge(snapshot(**fields), config)


def test_a_configured_no_slot_text_visible_on_the_page_is_no_slot():
    result = judge(CONFIG, visible_text="Disponibilités\n" + generic_site.NO_SLOT.replace("'", "’"))

    assert (result.outcome, result.matched) == ("no_slot", generic_site.NO_SLOT)


def test_the_no_slot_text_only_in_the_page_source_proves_nothing():
    hidden = f'<p style="display:none">{generic_site.NO_SLOT}</p>'

    result = judge(
        CONFIG, html=f"<html><body>{hidden}</body></html>", visible_text="Disponibilités"
    )

    assert result.outcome == "unknown"
    assert result.needs_review


def test_a_visible_slot_beats_the_no_slot_text():
    probe = Probe("ul.creneaux li", 2, ("mardi 9 h", "mardi 10 h"))

    result = judge(CONFIG, visible_text=generic_site.NO_SLOT, probes=(probe,))

    assert (result.outcome, result.slots) == ("slots_available", ("mardi 9 h", "mardi 10 h"))


def test_a_configured_slot_text_is_slots_available():
    result = judge(
        {**CONFIG, "slot_texts": ["Créneaux disponibles"]}, visible_text="Créneaux disponibles :"
    )

    assert result.outcome == "slots_available"


def test_an_alert_counts_as_seen_by_the_person():
    result = judge(CONFIG, dialogs=(generic_site.NO_SLOT,))

    assert result.outcome == "no_slot"


def test_errors_come_before_the_configured_texts():
    result = judge(CONFIG, status=502, visible_text=f"502 Bad Gateway {generic_site.NO_SLOT}")

    assert result.outcome == "error"


def test_without_configured_texts_it_never_says_no_slot():
    text = "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous."

    result = judge({}, visible_text=text)

    assert result.outcome != "no_slot"


def test_it_appends_a_probe_for_each_slot_selector():
    steps = driver_for("generic").steps(CONFIG)

    assert steps == [Step("click", "#voir-disponibilites"), Step("probe", "ul.creneaux li")]


@pytest.mark.parametrize(
    "steps",
    [
        {"action": "click"},
        [{"action": "goto", "selector": "a", "value": "http://127.0.0.1/"}],
        [{"action": "click", "selector": ""}],
        [{"action": "click", "selector": "a", "target": "_blank"}],
        [{"action": "fill", "selector": "input", "value": 3}],
        [{"action": "click", "selector": "a"}] * 21,
    ],
)
def test_it_refuses_steps_it_cannot_run_safely(steps: object):
    with pytest.raises(DriverConfigError):
        parse_steps(steps)


@pytest.mark.browser
def test_it_follows_the_configured_steps_to_the_no_slot_text(sim: SimulatorServer):
    snapshot, result = attempt(sim.url("generic"), "generic", CONFIG, timeout_s=TIMEOUT_S)

    assert snapshot.final_url.endswith("/disponibilites")
    assert snapshot.probes == (Probe("ul.creneaux li", 0, ()),)
    assert (result.outcome, result.matched) == ("no_slot", generic_site.NO_SLOT)


@pytest.mark.browser
def test_it_counts_visible_slots_and_ignores_the_hidden_no_slot_text(sim: SimulatorServer):
    sim.set_state("generic", "slots")

    snapshot, result = attempt(sim.url("generic"), "generic", CONFIG, timeout_s=TIMEOUT_S)

    assert generic_site.NO_SLOT in snapshot.html
    assert snapshot.probes[0].count == 3
    assert result.outcome == "slots_available"
    assert len(result.slots) == 3


@pytest.mark.browser
def test_a_missing_button_is_an_error_never_no_slot(sim: SimulatorServer):
    config = {**CONFIG, "steps": [{"action": "click", "selector": "#no-such-button"}]}

    snapshot, result = attempt(sim.url("generic"), "generic", config, timeout_s=QUICK_TIMEOUT_S)

    assert "step 1 (click #no-such-button) failed" in snapshot.error
    assert result.outcome == "error"


def test_a_configured_no_slot_text_for_one_day_beside_a_time_is_not_no_slot():
    page = (
        "<html><body><h3>Lundi 11 mai</h3><p>Aucune plage ce jour.</p>"
        "<h3>Mardi 12 mai</h3><ul><li>09:15</li></ul></body></html>"
    )
    config = {"no_slot_texts": ["Aucune plage ce jour."]}
    result = judge(
        config, html=page, visible_text="Lundi 11 mai\nAucune plage ce jour.\nMardi 12 mai\n09:15"
    )
    assert result.outcome != "no_slot"


def test_a_configured_no_slot_text_after_a_day_label_is_not_the_pages_answer():
    config = {"no_slot_texts": [generic_site.NO_SLOT]}
    day_scoped = f"Mardi 12 mai 2026 : {generic_site.NO_SLOT}"
    result = judge(config, html=f"<p>{day_scoped}</p>", visible_text=day_scoped)
    assert (result.outcome, result.needs_review) == ("unknown", True)


def test_the_classifiers_own_slot_evidence_beats_a_configured_no_slot_text():
    page = f"<html><body><p>{generic_site.NO_SLOT}</p><button>09:15</button></body></html>"
    result = judge(CONFIG, html=page, visible_text=f"{generic_site.NO_SLOT}\n09:15")
    assert result.outcome == "slots_available"


def test_its_page_has_answered_when_a_configured_text_or_slot_selector_shows():
    config = {**CONFIG, "slot_texts": ["Créneaux disponibles"]}

    ready = driver_for("generic").ready(config)

    assert ready.texts == (generic_site.NO_SLOT, "Créneaux disponibles")
    assert ready.selectors == ("ul.creneaux li",)


def test_a_page_configured_with_no_text_waits_for_the_quiet_network():
    assert driver_for("generic").ready({"steps": []}) == Ready()
