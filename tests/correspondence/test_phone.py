"""The e-mail approval flow in real Chromium on a 360 px phone."""

from collections.abc import Iterator

import pytest

from creneau.cases.models import Attempt
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import Department
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _catalog_back(django_db_blocker) -> Iterator[None]:
    """Transactional tests empty the database; the next test modules expect the catalog."""
    yield
    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture(autouse=True)
def _catalog_present(transactional_db) -> None:
    """...and so does each test here, after the previous one emptied it."""
    if not Department.objects.exists():
        load_catalog()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("correct horse battery staple")
    page.get_by_role("button", name="Se connecter").click()


def test_a_volunteer_prepares_reads_and_approves_the_email_on_a_small_phone(
    live_server, phone, personas, case, mail_settings, smtp_server
):
    """GIVEN Alice on a 360 px phone WHEN she prepares the e-mail, reads it and taps « Envoyer »
    THEN the SMTP server receives one message, the case records it, and nothing overflows."""
    log_in(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/dossiers/{case.reference}/")
    phone.get_by_role("link", name="Écrire à la préfecture").click()
    assert_fits_the_screen(phone)
    phone.get_by_label("Destinataire (service des étrangers)").fill(
        "pref-etrangers@seine-saint-denis.gouv.fr"
    )
    phone.get_by_role("button", name="Préparer le courriel").click()

    assert phone.get_by_role("heading", name="Relire et approuver le courriel").is_visible()
    assert phone.get_by_text("captures-horodatees.pdf").is_visible()
    assert smtp_server.messages == []
    assert_fits_the_screen(phone)
    save_screenshot(phone, "mail-draft-phone")
    phone.get_by_role("button", name="Envoyer", exact=True).click()

    assert phone.get_by_text(
        "Courriel envoyé et archivé. Tentative « scellée et horodatée »."
    ).is_visible()
    assert_fits_the_screen(phone)
    save_screenshot(phone, "mail-sent-phone")
    assert len(smtp_server.messages) == 1
    attempt = Attempt.objects.get(case=case)
    # Witnessed by the sealed bytes Créneau sent (Attempt.Source.SENT).
    assert (attempt.channel, attempt.outcome, attempt.source) == ("email", "sent", "sent")


def test_every_channel_page_fits_a_small_phone(live_server, phone, personas, case):
    log_in(phone, live_server, "alice")
    for path in ("courriel/", "lettre/", "guichet/", "centre-de-contact/", "defenseur-des-droits/"):
        phone.goto(f"{live_server.url}/dossiers/{case.reference}/{path}")
        assert phone.locator("h1").is_visible()
        assert_fits_the_screen(phone)
    save_screenshot(phone, "ddd-phone")
