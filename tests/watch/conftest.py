"""Watch fixtures: one simulator server per test module, one browser kept for the session."""

from collections.abc import Iterator

import pytest

from creneau.lib import browsing
from creneau.simulators.server import SimulatorServer, start

# Short timeouts keep failure-path tests quick; normal pages answer well within them.
QUICK_TIMEOUT_S = 2.0
TIMEOUT_S = 10.0


@pytest.fixture(scope="session", autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    browsing.close_all()


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        yield server


@pytest.fixture
def sim(simulator: SimulatorServer) -> SimulatorServer:
    """The module's simulator, back to its default states with empty counters."""
    simulator.reset()
    return simulator
