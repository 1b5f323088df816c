"""Issue 20: one browser per process, a context per capture, a cap, and recovery from a crash.

Real Chromium against a loopback site whose ``/held/…`` pages wait until the test lets them
go, so that captures are observed while they are in flight.
"""

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from creneau.lib import browser, browsing
from creneau.lib.browser import OWNER_SWITCH, PageSnapshot
from creneau.watch import drivers
from tests.lib.pages import Site, site

pytestmark = pytest.mark.browser


@pytest.fixture
def pages() -> Iterator[Site]:
    with site() as served:
        yield served


@pytest.fixture
def capped(settings) -> Iterator[int]:
    """A fresh engine for this process with a cap of 2 captures at once."""
    browser.close()
    settings.BROWSER_CAPTURES = 2
    yield 2
    browser.close()


def browsers() -> list[int]:
    """This process's Chromium browsers (not their renderers and helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        mine = f"{OWNER_SWITCH}={os.getpid()}".encode()
        if mine in argv and not any(arg.startswith(b"--type=") for arg in argv):
            found.append(int(entry.name))
    return found


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling the local site, with a deadline


def start(work) -> tuple[threading.Thread, list[PageSnapshot]]:
    found: list[PageSnapshot] = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    return thread, found


def test_concurrent_captures_share_one_browser_each_in_a_context_of_its_own(pages: Site):
    runs = [start(lambda n=n: browsing.snapshot(f"{pages.url}/held/{n}")) for n in range(3)]
    wait_until(lambda: pages.held() == 3, "three captures in flight")
    assert len(browsers()) == 1
    for _ in runs:
        pages.let_one_go()
    for thread, _ in runs:
        thread.join(timeout=60)
    assert all(found[0].status == 200 and not found[0].error for _, found in runs)
    browsing.snapshot(pages.url + "/plain")
    # Every answer set a cookie; no page was ever asked for with one: nothing is shared.
    asked = [cookie for path, cookie in pages.cookies if path != "/favicon.ico"]
    assert len(asked) == 4 and set(asked) == {""}


def test_no_more_captures_than_the_cap_are_in_flight_at_once(pages: Site, capped: int):
    runs = [start(lambda n=n: browsing.snapshot(f"{pages.url}/held/{n}")) for n in range(4)]
    for _ in range(2):
        wait_until(lambda: pages.held() == capped, "the cap to be reached")
        pages.let_one_go()  # one capture ends: the next one starts
    wait_until(lambda: pages.held() == capped, "the last two captures")
    pages.release.set()
    for thread, _ in runs:
        thread.join(timeout=60)
    assert pages.peak == capped
    assert all(found[0].status == 200 for _, found in runs)


def test_a_browser_that_dies_mid_capture_is_an_error_and_the_next_capture_gets_a_new_one(
    pages: Site,
):
    browsing.snapshot(pages.url + "/plain")
    (first,) = browsers()
    thread, found = start(lambda: browsing.snapshot(pages.url + "/held/page"))
    wait_until(lambda: pages.held() == 1, "the capture in flight")
    os.kill(first, signal.SIGKILL)  # the browser this test's captures started
    thread.join(timeout=60)
    assert found[0].error
    assert drivers.judge("generic", found[0], {}).outcome == "error"
    pages.release.set()
    after = browsing.snapshot(pages.url + "/plain")
    assert after.error == "" and after.status == 200
    assert browsers() != [first] and len(browsers()) == 1
