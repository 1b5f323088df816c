"""Issue 20: a capture waits for what the page needs, and proves what it froze is one state.

Real Chromium against a loopback site (``tests.lib.pages``) whose pages fill in their answer
late, never finish a request, keep changing, or change just after being read.
"""

import threading
import time
from collections.abc import Iterator

import pytest

from creneau.lib import browser, browsing
from creneau.lib.browser import PageSnapshot, Ready
from creneau.simulators import generic as generic_site
from creneau.watch import drivers
from tests.lib.pages import NO_SLOT, SLOTS, Site, site

pytestmark = pytest.mark.browser


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setattr(browser, "SETTLE_MAX_S", 2.0)  # the bound, shorter for the tests
    with site() as served:
        yield served


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling the local site, with a deadline


def judged(snap: PageSnapshot) -> str:
    """The outcome for a generic page whose configured no-slot sentence is ``NO_SLOT``."""
    return drivers.judge("generic", snap, {"no_slot_texts": [NO_SLOT]}).outcome


def in_thread(work) -> tuple[threading.Thread, list[PageSnapshot]]:
    found: list[PageSnapshot] = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    return thread, found


def test_an_answer_filled_in_after_load_is_waited_for(pages: Site):
    """GIVEN a page that shows « Chargement… » and fetches its answer after load WHEN the site
    holds that answer THEN the capture waits for it and freezes the page with the answer."""
    thread, found = in_thread(lambda: browsing.snapshot(pages.url + "/filled-later"))
    wait_until(lambda: pages.held() == 1, "the page to ask for its answer")
    assert thread.is_alive()  # nothing is frozen while the answer is on its way
    pages.let_one_go()
    thread.join(timeout=60)
    snap = found[0]
    assert NO_SLOT in snap.visible_text and "Chargement" not in snap.visible_text
    assert (snap.unsettled, snap.coherent) == ("", True)
    assert judged(snap) == "no_slot"


def test_a_page_still_waiting_for_a_request_it_needs_is_never_read_as_no_slot(pages: Site):
    snap = browsing.snapshot(pages.url + "/never-done")
    assert NO_SLOT in snap.visible_text
    assert "still in flight" in snap.unsettled and "/never" in snap.unsettled
    assert judged(snap) == "unknown"


def test_a_request_the_driver_says_it_never_needs_is_not_waited_for(pages: Site):
    snap = browsing.snapshot(pages.url + "/never-done", ready=Ready(ignore=("/never",)))
    assert snap.unsettled == ""
    assert judged(snap) == "no_slot"


def test_a_page_that_keeps_changing_is_never_sealed_with_a_verdict(pages: Site):
    """No two readings of a ticking page agree: the screenshot may show another state than the
    text, so the verdict is ``unknown`` whatever the text says."""
    snap = browsing.snapshot(pages.url + "/ticking")
    assert snap.coherent is False
    assert snap.freezes == browser.FREEZE_ROUNDS
    assert judged(snap) == "unknown"


def test_a_page_that_changes_after_being_read_is_frozen_again_in_its_new_state(pages: Site):
    """GIVEN a page that shows « aucun créneau » and changes to a slot just after its text was
    read (so the screenshot would show the slot) THEN that freeze is thrown away and the page is
    frozen again: the text judged is the text of the state the screenshot shows."""
    snap = browsing.snapshot(pages.url + "/changes-once-read")
    assert snap.freezes == 2
    assert snap.coherent is True
    assert SLOTS in snap.visible_text and NO_SLOT not in snap.visible_text
    assert SLOTS in snap.html
    assert judged(snap) != "no_slot"


def test_a_still_page_is_frozen_once_and_saved_as_the_site_sent_it(pages: Site):
    """GIVEN a page with form fields that does not change WHEN it is captured THEN one freeze
    holds, and neither the HTML nor the MHTML carry any style the screenshot tool put on the
    fields while the PNG was being taken (they are read at the same time as the PNG)."""
    snap = browsing.snapshot(pages.url + "/form")
    assert (snap.freezes, snap.coherent, snap.unsettled) == (1, True, "")
    assert '<input name="q" autofocus="">' in snap.html
    assert "caret-color" not in snap.html and b"caret-color" not in snap.mhtml
    assert snap.screenshot.startswith(b"\x89PNG")
    assert judged(snap) == "no_slot"


def test_work_begun_on_a_freeze_still_being_proven_is_kept_only_when_the_freeze_holds(
    pages: Site, monkeypatch: pytest.MonkeyPatch
):
    """GIVEN a page without readiness (so its freeze is proven only after a quiet time) WHEN a
    caller starts work on the frozen page meanwhile THEN a still page's work is done once, on
    the very snapshot returned; and a page that changed after being read is frozen again and the
    work done again on the new state: no result of the stale state is ever returned."""
    monkeypatch.setattr(browser, "QUIET_S", 1.0)  # the proof surely waits: the work goes early
    seen: list[tuple[PageSnapshot, bool]] = []

    def work(snap: PageSnapshot, early: bool) -> str:
        seen.append((snap, early))
        return judged(snap)

    snap, outcome = browsing.snapshot_with(work, pages.url + "/plain")
    assert [early for _, early in seen] == [True]
    assert browser.same_page(seen[0][0], snap)
    assert outcome == "no_slot"

    seen.clear()
    snap, outcome = browsing.snapshot_with(work, pages.url + "/changes-once-read")
    assert [(NO_SLOT in s.visible_text, early) for s, early in seen] == [
        (True, True),
        (False, False),
    ]
    assert snap.freezes == 2 and SLOTS in snap.visible_text and seen[-1][0] == snap
    assert outcome != "no_slot"


# A generic site's page as an admin configures it: its steps, its texts, its slots' selector.
GENERIC_CONFIG = {
    "no_slot_texts": [generic_site.NO_SLOT],
    "slot_selectors": ["ul.creneaux li"],
    "steps": [{"action": "click", "selector": "#voir-disponibilites"}],
}


@pytest.mark.parametrize(
    ("system", "state"),
    [
        ("legacy", "no_slot"),
        ("legacy", "slots"),
        ("eappointment", "no_slot"),
        ("rdv_prefecture", "no_slot"),  # the captcha, where the driver stops without an answer
        ("rdv_service_public", "no_slot"),
        ("rdv_service_public", "slots"),
        ("generic", "no_slot"),  # through its configured steps, texts and selectors
        ("generic", "slots"),
    ],
)
def test_each_drivers_readiness_is_shown_by_its_systems_answers(sim, system: str, state: str):
    """A driver's declared readiness must be what its system's answer pages show (checked on
    the simulators), and the page is still judged as before."""
    sim.set_state(system, state)
    config = GENERIC_CONFIG if system == "generic" else {}
    snap, verdict = drivers.attempt(sim.url(system), system, config)
    assert snap.answered is True
    assert snap.coherent is True and snap.unsettled == ""
    expected = {"no_slot": "no_slot", "slots": "slots_available"}[state]
    assert verdict.outcome == ("captcha" if system == "rdv_prefecture" else expected)
