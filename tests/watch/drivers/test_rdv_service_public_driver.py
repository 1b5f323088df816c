"""The RDV Service Public driver: search page, place, week grid."""

import pytest

from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt
from tests.watch.conftest import QUICK_TIMEOUT_S, TIMEOUT_S

pytestmark = pytest.mark.browser


def test_it_reads_the_search_no_slot_sentence(sim: SimulatorServer):
    snapshot, result = attempt(
        sim.url("rdv_service_public"), "rdv_service_public", {}, timeout_s=TIMEOUT_S
    )

    assert "Malheureusement, aucun créneau correspondant à votre recherche" in snapshot.visible_text
    assert result.outcome == "no_slot"


def test_it_reads_the_reschedule_no_slot_sentence(sim: SimulatorServer):
    snapshot, result = attempt(
        sim.url("rdv_service_public", 1), "rdv_service_public", {}, timeout_s=TIMEOUT_S
    )

    assert "Malheureusement, tous les créneaux sont pris." in snapshot.visible_text
    assert result.outcome == "no_slot"


def test_it_follows_the_place_to_the_week_grid_when_slots_exist(sim: SimulatorServer):
    sim.set_state("rdv_service_public", "slots")

    snapshot, result = attempt(
        sim.url("rdv_service_public"), "rdv_service_public", {"lieu_id": "42"}, timeout_s=TIMEOUT_S
    )

    assert "lieu_id=42" in snapshot.final_url
    assert "Sélectionnez un créneau :" in snapshot.visible_text
    assert 'aria-label="Choisir le créneau de 09:30"' in snapshot.html
    assert result.outcome == "slots_available"


def test_the_maintenance_page_is_never_no_slot(sim: SimulatorServer):
    sim.set_state("rdv_service_public", "maintenance")

    snapshot, result = attempt(
        sim.url("rdv_service_public"), "rdv_service_public", {}, timeout_s=QUICK_TIMEOUT_S
    )

    assert "RDV Service Public rencontre un problème" in snapshot.visible_text
    assert result.outcome in {"error", "closed"}


def test_a_429_answer_is_an_error(sim: SimulatorServer):
    sim.set_state("rdv_service_public", "error429")

    snapshot, result = attempt(
        sim.url("rdv_service_public"), "rdv_service_public", {}, timeout_s=QUICK_TIMEOUT_S
    )

    assert snapshot.status == 429
    assert result.outcome == "error"
