"""The démarches-simplifiées driver only tells an open démarche from a closed one."""

import pytest

from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import attempt, driver_for
from tests.watch.conftest import TIMEOUT_S

pytestmark = pytest.mark.browser

CLOSED = "Cette démarche en ligne a été close, il n'est plus possible de déposer de dossier."


def test_a_closed_demarche_is_closed(sim: SimulatorServer):
    snapshot, result = attempt(
        sim.url("demarches_simplifiees"), "demarches_simplifiees", {}, timeout_s=TIMEOUT_S
    )

    assert CLOSED in snapshot.visible_text
    assert result.outcome == "closed"
    assert driver_for("demarches_simplifiees").mode == "alert_only"


def test_an_open_demarche_is_never_no_slot(sim: SimulatorServer):
    sim.set_state("demarches_simplifiees", "slots")

    snapshot, result = attempt(
        sim.url("demarches_simplifiees"), "demarches_simplifiees", {}, timeout_s=TIMEOUT_S
    )

    assert "Commencer la démarche" in snapshot.visible_text
    assert result.outcome not in {"no_slot", "closed"}
