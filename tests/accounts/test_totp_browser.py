"""The second factor as a volunteer meets it: on a phone, in real Chromium, live server."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from creneau.accounts import twofactor
from tests.portal.web import PASSWORD, grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret_shown: str, steps_ahead: int = 0) -> str:
    """What an authenticator app computes from the secret typed by hand."""
    secret = secret_shown.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_volunteer_enrols_on_her_phone_and_logs_in_with_a_code(
    live_server, phone: Page, personas
):
    base = live_server.url
    log_in(phone, base, "alice")
    phone.get_by_role("link", name="Sécurité du compte").click()
    phone.get_by_role("link", name="Activer la double authentification").click()
    expect(phone.locator("figure svg.qr")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []
    save_screenshot(phone, "totp-enrol-360")

    secret = phone.locator("#secret").inner_text()
    phone.locator("#id_code").fill(app_code(secret))
    phone.get_by_role("button", name="Confirmer et activer").click()
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    assert_fits_the_screen(phone)
    assert twofactor.has_two_factor(personas.alice)
    phone.get_by_role("link", name="J'ai noté mes codes").click()
    phone.get_by_role("button", name="Se déconnecter").click()
    phone.wait_for_url(f"{base}/connexion/")

    phone.locator("#id_username").fill("alice")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("main button[type=submit]").click()
    phone.wait_for_url(f"{base}/connexion/code/")
    expect(phone.get_by_role("heading", name="Double authentification")).to_be_visible()
    assert_fits_the_screen(phone)
    phone.goto(f"{base}/dossiers/")  # trying to skip the code leads back to it
    phone.wait_for_url(f"{base}/connexion/code/")

    # The enrolment spent the current code: the app's next one is accepted (one step of slack).
    phone.locator("#id_code").fill(app_code(secret, steps_ahead=1))
    phone.get_by_role("button", name="Valider").click()
    phone.wait_for_url(lambda url: "/connexion/" not in url)
    expect(phone.get_by_role("link", name="Sécurité du compte")).to_be_visible()
