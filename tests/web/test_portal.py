"""The person's journey on a small phone, in Arabic: open the link, read, send a screenshot."""

import pytest

from creneau.cases.models import Attempt
from creneau.portal import access
from tests.conftest import make_case
from tests.portal.web import (
    grave_violations,
    heading_alignment,
    log_in,
    screenshot_png,
)
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_reads_their_case_in_arabic_and_sends_a_screenshot(live_server, phone, personas):
    """GIVEN a person whose preferred language is Arabic WHEN they open their personal link on a
    360 px phone and send a screenshot THEN the page is right-to-left, fits the screen, and the
    journal shows the declared attempt."""
    case = make_case(personas.group)
    case.person.preferred_language = "ar"
    case.person.save()
    token = access.issue(case.person, personas.alice, None).token

    phone.goto(f"{live_server.url}/p/{token}/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.get_by_role("heading", level=1).inner_text().startswith("ملفي")
    gaps = heading_alignment(phone)
    assert gaps["right"] < 2 and gaps["left"] > 40, gaps  # right-aligned, as Arabic reads
    assert_fits_the_screen(phone)
    save_screenshot(phone, "portal-case-ar-phone")

    phone.get_by_role("link", name="إرسال لقطة شاشة").click()
    phone.get_by_label("لقطة شاشة أو ملف PDF").set_input_files(
        files=[{"name": "capture.png", "mimeType": "image/png", "buffer": screenshot_png()}]
    )
    phone.get_by_label("تاريخ المحاولة وساعتها").fill("2026-10-05T09:12")
    phone.get_by_label("على موقع حجز المواعيد التابع للمحافظة").check()
    phone.get_by_label("لا يوجد أي موعد متاح").check()
    assert_fits_the_screen(phone)
    save_screenshot(phone, "portal-upload-ar-phone")
    phone.get_by_role("button", name="إرسال").click()

    assert phone.get_by_text(
        "شكرًا. حُفظت لقطتك وسُجّلت في السجل: محاولة «مصرَّح بها مع ملف مرفق»."
    ).is_visible()
    assert phone.locator(".timeline li").count() == 1
    assert "مصرَّح بها مع ملف مرفق" in phone.locator(".timeline li").inner_text()
    assert_fits_the_screen(phone)
    assert Attempt.objects.get(case=case).files.count() == 1


def test_a_volunteer_gives_the_link_and_revokes_it(live_server, phone, browser, personas):
    """GIVEN Alice on a case page WHEN she creates a personal link, then revokes it THEN the link
    opens the person's portal on another phone until it is revoked."""
    case = make_case(personas.group)
    log_in(phone, live_server.url, "alice")
    phone.goto(f"{live_server.url}/dossiers/{case.reference}/")
    phone.get_by_label("Le lien expire après").select_option("30")
    phone.get_by_role("button", name="Créer un lien personnel").click()
    url = phone.get_by_label("Lien à copier").input_value()
    assert url.startswith(f"{live_server.url}/p/")
    assert grave_violations(phone) == []
    assert_fits_the_screen(phone)
    save_screenshot(phone, "personal-link-created-phone")

    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    person = other.new_page()
    person.goto(url)
    assert person.get_by_role("heading", name="Où en est mon dossier ?").is_visible()

    phone.get_by_role("link", name="Retour au dossier").click()
    phone.get_by_role("button", name="Révoquer").click()
    assert phone.get_by_text("Lien révoqué : il n'ouvre plus rien.").is_visible()
    person.reload()
    assert person.get_by_role("heading", name="Ce lien ne s'ouvre pas").is_visible()
    other.close()
