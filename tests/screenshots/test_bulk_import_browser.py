"""In real Chromium: a volunteer imports a phone's screenshots in one go, watches the progress,
reads each file's result with its warnings, and keeps the set-aside one with a note."""

import pytest
from playwright.sync_api import expect

from creneau.catalog.models import Procedure
from creneau.evidence.readings import set_aside_attempts
from creneau.screenshots.bulk import run_import
from creneau.screenshots.models import ScreenshotImport
from tests.conftest import make_case
from tests.web.conftest import assert_fits_the_screen, save_screenshot
from tests.web.test_case_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FILES = ("phone_no_slot", "phone_other_prefecture", "phone_next_day")


def test_a_bulk_import_shows_its_progress_then_each_reading_and_its_warnings(
    live_server, phone, personas, shots
):
    """GIVEN a first application in Seine-Saint-Denis WHEN Alice imports three screenshots from
    her phone, one of another prefecture's page THEN the page counts the files read while the
    worker reads them, lists the three attempts with what was read, sets the odd one aside with
    its warning and code, and she keeps it from the case page with a note."""
    procedure = Procedure.objects.get(slug="titre-sejour-premiere-demande")
    case = make_case(personas.group, procedure_kind="first_application", procedure=procedure)
    log_in(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/dossiers/{case.reference}/")
    phone.get_by_label("Captures d'écran (plusieurs images, ou un fichier ZIP)").set_input_files(
        [str(shots[key].path) for key in FILES]
    )
    phone.get_by_label("Ce que montrent ces captures").select_option("no_slot")
    phone.get_by_role("button", name="Importer", exact=True).click()

    progress = phone.locator("#import-progress")
    expect(progress).to_be_visible()
    job = ScreenshotImport.objects.get(case=case)

    def midway(done: int, total: int, name: str) -> None:
        """The worker is between two files: the page, polling, shows how far it got."""
        if done == 1:
            expect(progress.locator("[data-step]")).to_contain_text("1 / 3", timeout=15_000)
            assert progress.locator("progress").get_attribute("max") == "3"

    run_import(str(job.pk), midway)  # what `creneau run` does with the queued task

    results = phone.locator(".import-results")
    expect(results).to_be_visible(timeout=15_000)
    assert phone.get_by_text("3 tentatives enregistrées").is_visible()
    assert results.locator("> li").count() == 3
    odd = results.locator("> li", has_text="Screenshot_20260905-101500.png")
    expect(odd.locator('[data-code="other_prefecture"]')).to_be_visible()
    assert "mise de côté" in odd.inner_text()
    assert "phrase lue" in results.locator("> li").first.inner_text()
    assert_fits_the_screen(phone)
    save_screenshot(phone, "screenshots-import-phone")

    phone.get_by_role("link", name="Retour au dossier").click()
    aside = phone.locator(".screenshot-reading.warn-card")
    expect(aside.locator("code", has_text="other_prefecture")).to_be_visible()
    aside.get_by_label("Pourquoi garder cette capture ?").fill("Vérifiée avec la personne.")
    aside.get_by_role("button", name="Garder la capture").click()
    expect(
        phone.get_by_text("Capture gardée : la tentative est de nouveau comptée.")
    ).to_be_visible()
    assert set_aside_attempts(case.attempts.values_list("pk", flat=True)) == {}
