"""Issue 24 item 3: a booking site that accepts and never answers cannot freeze a capture."""

from collections.abc import Iterator

import pytest

from creneau.lib import browsing
from creneau.watch import drivers
from tests.hanging import HangingServer, hanging_server

pytestmark = pytest.mark.browser


@pytest.fixture
def hanging() -> Iterator[HangingServer]:
    with hanging_server() as server:
        yield server


def test_a_site_that_accepts_and_never_answers_ends_at_the_deadline_as_an_error(
    hanging: HangingServer,
):
    """GIVEN a server that accepts the connection and never says a word WHEN a capture with a
    2 s deadline visits it (each step may wait 30 s) THEN the capture ends with an error that
    names the deadline, and the page is judged ``error``, never ``no_slot``."""
    snap = browsing.snapshot(hanging.url, timeout_s=30, deadline_s=2)
    assert hanging.connections() >= 1
    assert "deadline" in snap.error
    assert snap.status is None
    assert drivers.judge("generic", snap, {}).outcome == "error"


def test_the_browser_captures_normally_after_a_capture_hit_its_deadline(
    hanging: HangingServer, sim
):
    browsing.snapshot(hanging.url, deadline_s=1)
    snap = browsing.snapshot(sim.url("legacy"))
    assert snap.error == ""
    assert snap.status == 200
    assert snap.screenshot.startswith(b"\x89PNG")
