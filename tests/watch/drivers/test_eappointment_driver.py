"""The eAppointment driver: its no-slot answer is a native dialog, recorded by the seam."""

import pytest

from creneau.simulators import eappointment
from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt
from tests.watch.conftest import QUICK_TIMEOUT_S, TIMEOUT_S

pytestmark = pytest.mark.browser


def test_it_records_the_no_slot_alert_after_the_postal_code_and_motive(sim: SimulatorServer):
    snapshot, result = attempt(sim.url("eappointment"), "eappointment", {}, timeout_s=TIMEOUT_S)

    assert snapshot.dialogs == (eappointment.NO_SLOT,)
    assert eappointment.NO_SLOT not in snapshot.visible_text  # only in the dialog
    assert "appointment.do" in snapshot.final_url
    assert result.outcome == "no_slot"
    assert result.system == "eappointment"


def test_it_records_the_other_no_slot_sentence(sim: SimulatorServer):
    sim.set_state("eappointment", "no_slot", variant="service")

    snapshot, result = attempt(sim.url("eappointment", 1), "eappointment", {}, timeout_s=TIMEOUT_S)

    assert snapshot.dialogs == (eappointment.NO_SLOT_SERVICE,)
    assert result.outcome == "no_slot"


def test_it_sees_the_enabled_day_picker_when_slots_exist(sim: SimulatorServer):
    sim.set_state("eappointment", "slots")

    snapshot, result = attempt(
        sim.url("eappointment"), "eappointment", {"postal_code": "94130"}, timeout_s=TIMEOUT_S
    )

    assert snapshot.dialogs == ()
    assert 'id="dayValueId"' in snapshot.html
    assert "Premier rendez-vous disponible le" in snapshot.visible_text
    assert "Nogent-sur-Marne" in snapshot.visible_text  # the postal code chose the site
    assert result.outcome == "slots_available"


def test_a_503_page_is_an_error(sim: SimulatorServer):
    sim.set_state("eappointment", "error503")

    snapshot, result = attempt(
        sim.url("eappointment"), "eappointment", {}, timeout_s=QUICK_TIMEOUT_S
    )

    assert snapshot.status == 503
    assert result.outcome == "error"
