"""An admin adds a volunteer from the organisation page; the volunteer chooses a password
through the one-time link and logs in. Real Chromium, live server, a 360 px phone."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from creneau.accounts.models import MailSettings, Member
from tests.portal.web import grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_volunteer_who_sets_a_password_and_logs_in(
    live_server, phone: Page, browser: Browser, personas, org_admin
):
    base = live_server.url
    log_in(phone, base, "diane")
    phone.goto(f"{base}/tableau-de-bord/")
    phone.get_by_role("navigation").get_by_role("link", name="Organisation").click()
    expect(phone.get_by_role("heading", name="Membres")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []

    phone.get_by_label("Identifiant de connexion").fill("fatou")
    phone.locator("#id_role").select_option("volunteer")
    phone.get_by_role("button", name="Créer le compte").click()
    link = phone.locator("#link-url")
    expect(link).to_be_visible()
    url = link.input_value()
    assert url.startswith(f"{base}/compte/mot-de-passe/")
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []
    save_screenshot(phone, "organisation-link-360")
    assert Member.objects.get(user__username="fatou").organisation == personas.group
    phone.get_by_role("link", name="Serveur d'envoi des courriels").click()
    expect(phone.locator("#id_host")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []

    # The volunteer, on her own phone, opens the link she was given.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    newcomer = context.new_page()
    try:
        newcomer.goto(url)
        expect(newcomer.get_by_role("heading", name="Choisir votre mot de passe")).to_be_visible()
        assert_fits_the_screen(newcomer)
        password = "un long mot de passe bien à moi"
        newcomer.locator("#id_new_password1").fill(password)
        newcomer.locator("#id_new_password2").fill(password)
        newcomer.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(newcomer.get_by_role("heading", name="Mot de passe enregistré")).to_be_visible()
        newcomer.get_by_role("link", name="Se connecter").click()
        newcomer.locator("#id_username").fill("fatou")
        newcomer.locator("#id_password").fill(password)
        newcomer.locator("main button[type=submit]").click()
        newcomer.wait_for_url(lambda u: "/connexion/" not in u)
        expect(newcomer.get_by_role("link", name="Dossiers", exact=True)).to_be_visible()
        expect(newcomer.get_by_role("link", name="Organisation")).to_have_count(0)

        newcomer.goto(url)  # the link served once
        expect(newcomer.get_by_text("Ce lien ne fonctionne plus")).to_be_visible()
    finally:
        context.close()


def test_an_invited_volunteer_opens_the_emailed_link_sets_a_password_and_logs_in(
    live_server, phone: Page, browser: Browser, personas, org_admin, smtp, settings
):
    """GIVEN the organisation's mail server (a real SMTP server on 127.0.0.1)
    WHEN an admin adds a volunteer with her address and sends the invitation
    THEN the e-mail carries the one-time link (no password); the volunteer opens it on her
    phone, chooses a password and logs in."""
    base = live_server.url
    settings.SITE_URL = base
    MailSettings.objects.create(
        organisation=personas.group,
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        security=MailSettings.Security.NONE,
        from_address="permanence@cimade-93.example",
    )
    log_in(phone, base, "diane")
    phone.goto(f"{base}/organisation/")
    phone.get_by_label("Identifiant de connexion").fill("awa")
    phone.get_by_label("Adresse électronique (facultatif)").fill("awa@example.org")
    phone.get_by_role("button", name="Créer le compte").click()
    phone.get_by_role("button", name="Envoyer l'invitation à awa@example.org").click()
    expect(phone.get_by_text("Invitation envoyée à awa@example.org")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []

    [raw] = smtp.to("awa@example.org")
    text = email.message_from_string(raw, policy=email.policy.default).get_body().get_content()
    assert "mot de passe" in text and "jusqu'au" in text
    found = re.search(rf"{re.escape(base)}/compte/mot-de-passe/\S+/", text)
    assert found, text

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    newcomer = context.new_page()
    try:
        newcomer.goto(found[0])
        expect(newcomer.get_by_role("heading", name="Choisir votre mot de passe")).to_be_visible()
        password = "un autre long mot de passe à moi"
        newcomer.locator("#id_new_password1").fill(password)
        newcomer.locator("#id_new_password2").fill(password)
        newcomer.get_by_role("button", name="Enregistrer le mot de passe").click()
        newcomer.get_by_role("link", name="Se connecter").click()
        newcomer.locator("#id_username").fill("awa")
        newcomer.locator("#id_password").fill(password)
        newcomer.locator("main button[type=submit]").click()
        newcomer.wait_for_url(lambda u: "/connexion/" not in u)
        expect(newcomer.get_by_role("link", name="Dossiers", exact=True)).to_be_visible()
    finally:
        context.close()


def test_the_booking_pages_on_a_phone(live_server, phone: Page, personas, org_admin, settings):
    settings.ALLOW_LOCAL_URLS = True  # the address is the simulator's, on this machine
    base = live_server.url
    log_in(phone, base, "diane")
    phone.goto(f"{base}/organisation/")
    phone.get_by_role("link", name="Les pages de rendez-vous suivies et leur système").click()
    phone.get_by_label("Adresse de la page de rendez-vous").fill(
        "http://127.0.0.1:9/rdvpref/reservation/demarche/1/cgu/"
    )
    phone.get_by_label("Système de réservation").select_option("rdv_prefecture")
    phone.get_by_role("button", name="Ajouter la page").click()
    expect(phone.get_by_text("Page ajoutée, avec le système « RDV Préfecture »")).to_be_visible()
    expect(phone.get_by_text("tentative assistée")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []
    phone.get_by_role("link", name="Retour aux pages de l'organisation").click()
    expect(phone.get_by_role("heading", name="Pages suivies")).to_be_visible()
    assert_fits_the_screen(phone)
    assert grave_violations(phone) == []
