"""The challenge relayed to a person is the code's picture alone: never the site's own « new
code » or « listen » controls, which would look like links the person could press."""

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from creneau.lib import browser
from creneau.simulators.server import SimulatorServer
from creneau.watch.drivers import driver_for
from creneau.watch.drivers.base import CHALLENGE
from tests.lib.pages import Site, site

pytestmark = pytest.mark.browser


@pytest.fixture
def pages() -> Iterator[Site]:
    with site() as served:
        yield served


def crop_of(url: str, selectors: tuple[str, ...]) -> Image.Image:
    session_id, error = browser.open_session(url, viewport_width=1366)
    try:
        assert error == ""
        png = browser.session_screenshot(session_id, selectors)
    finally:
        browser.close_session(session_id)
    assert png, "no challenge found"
    return Image.open(io.BytesIO(png)).convert("RGB")


def about(size: tuple[int, int], expected: tuple[int, int]) -> bool:
    """The same size give or take the pixel a box at a fractional position is rounded out to."""
    return all(0 <= got - want <= 1 for got, want in zip(size, expected, strict=True))


def test_the_prefecture_captcha_is_cropped_to_its_image_without_the_links(sim: SimulatorServer):
    """GIVEN the RDV Préfecture page, whose captcha widget also holds « Générer un nouveau code »
    and « Écouter le code » WHEN the challenge is cropped THEN the crop is the 170 × 50 image."""
    crop = crop_of(sim.url("rdv_prefecture"), driver_for("rdv_prefecture").challenge)

    assert about(crop.size, (170, 50)), crop.size


def test_controls_inside_the_same_box_as_the_code_are_left_out(pages: Site):
    """GIVEN a page naming only the widget (``.captcha``), with a reload icon in a link and a
    listen button beside a canvas WHEN cropped with the generic names THEN only the canvas."""
    crop = crop_of(pages.url + "/challenge-inline", CHALLENGE)

    assert about(crop.size, (200, 60)), crop.size
    colours = {colour for _, colour in crop.getcolors(maxcolors=200 * 60) or []}
    assert not [c for c in colours if c[0] > 200 and c[1] < 80 and c[2] < 80], "a control"


@pytest.mark.parametrize("named", ["by the driver", "generically"])
def test_a_challenge_drawn_in_a_shadow_root_is_found_there(pages: Site, named: str):
    """GIVEN the CaptchEtat element drawing its image and reload link in its shadow root
    WHEN cropped with the driver's names or the generic ones THEN the image alone."""
    selectors = driver_for("rdv_prefecture").challenge if named == "by the driver" else CHALLENGE
    crop = crop_of(pages.url + "/challenge-shadow", selectors)

    assert about(crop.size, (170, 50)), crop.size
    assert crop.getpixel((85, 25)) == (0, 0, 255)


def test_a_widget_without_a_picture_gives_nothing_to_relay(pages: Site):
    session_id, _ = browser.open_session(pages.url + "/plain", viewport_width=1366)
    try:
        assert browser.session_screenshot(session_id, ("h1", *CHALLENGE)) == b""
    finally:
        browser.close_session(session_id)
