"""The browser seam in real Chromium: what it records, and where it stops."""

import pytest

from creneau.lib import browsing
from creneau.lib.browser import Step
from creneau.simulators.server import SimulatorServer

pytestmark = pytest.mark.browser


def test_it_stops_following_steps_once_the_site_answers_with_an_error(sim: SimulatorServer):
    """GIVEN a site answering 502 WHEN a driver's steps look for buttons THEN none is waited
    for: the error page is the answer, recorded with its status and no step failure."""
    sim.set_state("legacy", "error502")
    steps = [Step("check", "#condition"), Step("click", "#submit_Booking")]
    snap = browsing.snapshot(sim.url("legacy"), steps, timeout_s=20)
    assert snap.status == 502
    assert snap.error == ""
    assert "Bad Gateway" in snap.visible_text


def test_it_names_creneau_in_its_user_agent_and_keeps_the_server_date(sim: SimulatorServer):
    snap = browsing.snapshot(sim.url("legacy"))
    assert "Creneau/" in snap.user_agent
    assert snap.header("date").endswith("GMT")
    assert snap.screenshot.startswith(b"\x89PNG")
