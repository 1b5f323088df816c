"""Real screenshots, rendered once per test session by Chromium from the simulators.

Rendering the set takes about 25 s; every test that reads a screenshot shares it. The files live
in the session's temporary folder, never in the repository.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from creneau.simulators.server import start
from tests.watch.screens import Renderer, Shot, render_set


@pytest.fixture(scope="session")
def shots(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Shot]]:
    folder: Path = tmp_path_factory.mktemp("screenshots")
    with start() as simulator:
        yield render_set(Renderer(browser, simulator, folder))
