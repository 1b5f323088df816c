"""The sealed screenshot opens from the case page in real Chromium, on a phone and a desk."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import make_case
from tests.court.conftest import screenshot_png, sealed_capture
from tests.portal.web import grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_volunteer_opens_the_stamped_screenshot_from_the_case_page(
    live_server, personas, screen, request
):
    page = request.getfixturevalue(screen)
    case = make_case(personas.group)
    at = datetime.datetime(2026, 11, 2, 9, 12, tzinfo=datetime.UTC)
    sealed_capture(case, at, screenshot_png("Aucun créneau disponible", (1366, 900)))
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/dossiers/{case.reference}/")

    page.get_by_role("link", name="Voir la capture et sa preuve").click()

    image = page.locator(".evidence-image img")
    expect(image).to_be_visible()
    page.wait_for_function(  # the stamped image arrives after the page: wait until it is decoded
        "() => { const img = document.querySelector('.evidence-image img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    expect(page.locator(".timestamp")).to_contain_text("aucune autorité d'horodatage")
    expect(page.get_by_role("link", name="Télécharger le dossier scellé (zip)")).to_be_visible()
    assert grave_violations(page) == []
    assert_fits_the_screen(page)
    save_screenshot(page, f"evidence-viewer-{screen}")
