"""On a 360 px phone: the assisted attempt, in French and Arabic (the relayed code fits the
screen and is answered with one thumb; the page belongs to scheduling, its look to the site's
style sheet), and the personal link the volunteer hands over (copy button, QR code)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from creneau.portal import access
from creneau.scheduling import assisted
from creneau.scheduling.models import AssistedSession
from tests.conftest import make_case
from tests.portal.web import grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
THUMB = 44  # px: the smallest target a thumb hits reliably (WCAG 2.5.5)


def prefecture_crop() -> bytes:
    """A challenge crop as wide as the one seen on a real prefecture page (1000 px)."""
    out = io.BytesIO()
    Image.new("RGB", (1000, 160), (235, 240, 250)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_relayed_code_fits_a_small_phone_and_is_answered_with_one_thumb(
    live_server, phone, personas, language
):
    """GIVEN a challenge crop 1000 px wide WHEN the person opens the assisted attempt on a 360 px
    phone THEN the page stays 360 px wide (before: 1008 px), the whole image shows, the field
    and the button are within reach without scrolling, and axe finds nothing serious."""
    case = make_case(personas.group)
    case.person.preferred_language = language
    case.person.save()
    now = timezone.now()
    session = AssistedSession.objects.create(
        case=case,
        expires_at=now + timedelta(hours=1),
        state="challenge",
        challenge=prefecture_crop(),
        challenge_at=now,
        progress_at=now,
    )

    phone.goto(live_server.url + assisted.path_for(session))

    assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_fits_the_screen(phone)
    image = phone.locator("main img").bounding_box()
    assert image is not None and image["x"] >= 0 and image["x"] + image["width"] <= 360
    assert phone.locator("main img").evaluate("i => i.complete && i.naturalWidth") == 1000
    for target in (phone.locator("#answer"), phone.locator("main form button[type=submit]")):
        box = target.first.bounding_box()
        assert box is not None and box["height"] >= THUMB - 4, box
        assert box["y"] + box["height"] <= 740, "out of reach without scrolling"
    assert grave_violations(phone) == []
    save_screenshot(phone, f"assisted-challenge-{language}-phone")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_refused_code_is_said_above_the_new_one_still_within_reach(
    live_server, phone, personas, language
):
    """GIVEN the site answered the person's first code with a new challenge WHEN the page shows
    it THEN « code refusé » is announced first, and the new code is typed with one thumb."""
    case = make_case(personas.group)
    case.person.preferred_language = language
    case.person.save()
    now = timezone.now()
    session = AssistedSession.objects.create(
        case=case,
        expires_at=now + timedelta(hours=1),
        state="challenge",
        challenge=prefecture_crop(),
        challenge_at=now,
        progress_at=now,
        rounds=2,
    )

    phone.goto(live_server.url + assisted.path_for(session))

    refused = phone.locator("#code-refused")
    expect(refused).to_be_visible()
    assert refused.get_attribute("role") == "alert"
    words = {"fr": ("Code refusé", "2 essais"), "ar": ("الرمز مرفوض", "2")}[language]
    assert all(word in refused.inner_text() for word in words)
    assert_fits_the_screen(phone)
    for target in (phone.locator("#answer"), phone.locator("main form button[type=submit]")):
        box = target.first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, "out of reach"
    assert grave_violations(phone) == []
    save_screenshot(phone, f"assisted-refused-{language}-phone")


def test_the_volunteer_copies_the_personal_link_or_shows_its_qr_code(
    live_server, browser, personas
):
    """GIVEN a new personal link on a 360 px phone WHEN the volunteer presses « Copier le lien »
    THEN the clipboard holds the link, and the QR code on the page encodes a link that fits."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="fr-FR",
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    case = make_case(personas.group)
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/dossiers/{case.reference}/")
    page.get_by_role("button", name="Créer un lien personnel").click()
    url = page.get_by_label("Lien à copier").input_value()

    page.get_by_role("button", name="Copier le lien").click()

    expect(page.get_by_role("status").filter(has_text="Lien copié.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    qr = page.get_by_role("img", name="Code QR du lien personnel")
    box = qr.bounding_box()
    assert box is not None and 120 <= box["width"] <= 360
    assert_fits_the_screen(page)
    assert grave_violations(page) == []
    save_screenshot(page, "personal-link-qr-phone")
    context.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_person_adds_an_sms_alert_on_a_small_phone(
    live_server, phone, personas, settings, language
):
    """GIVEN an association that sends SMS WHEN the person gives their number on a 360 px phone
    THEN the page fits, axe finds nothing serious, and the number is shown back masked."""
    settings.SMS_GATEWAY_URL = "https://sms.gateway.example/send"
    case = make_case(personas.group)
    case.person.preferred_language = language
    case.person.save()
    token = access.issue(case.person, None, None).token
    phone.goto(f"{live_server.url}/p/{token}/")
    phone.goto(f"{live_server.url}/p/alertes/")
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []

    phone.locator("#id_phone").fill("07 98 76 54 32")
    phone.locator("main form button[type=submit]").last.click()

    expect(phone.get_by_text("+337••••••32")).to_be_visible()
    assert "798765432" not in phone.content()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []
    save_screenshot(phone, f"portal-alerts-sms-{language}-phone")
