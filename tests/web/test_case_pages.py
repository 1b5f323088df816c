import pytest
from playwright.sync_api import expect

from creneau.cases.models import Case
from tests.conftest import make_case
from tests.portal.web import grave_violations
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("correct horse battery staple")
    page.get_by_role("button", name="Se connecter").click()


def test_a_volunteer_creates_a_case_and_records_a_visit_on_a_small_phone(
    live_server, phone, personas
):
    """GIVEN Alice on a 360 px phone WHEN she creates a case and notes a counter visit
    THEN the case page shows the tribunal and the visit, and nothing overflows the screen."""
    log_in(phone, live_server, "alice")
    phone.get_by_role("link", name="Nouveau dossier").first.click()
    save_screenshot(phone, "case-form-phone")
    assert_fits_the_screen(phone)
    phone.get_by_label("Nom de famille").fill("Haddad")
    phone.get_by_label("Prénoms").fill("Samir")
    phone.get_by_label("Nature de la démarche").select_option("renewal")
    phone.get_by_label("Département").select_option("93")
    phone.get_by_role("button", name="Enregistrer").click()

    assert phone.get_by_text("Tribunal administratif de Montreuil").is_visible()
    phone.get_by_label("Canal").select_option("counter")
    phone.get_by_label("Date et heure").fill("2026-11-02T08:45")
    phone.get_by_label("Résultat").select_option("refused")
    phone.get_by_role("button", name="Enregistrer la tentative").click()

    assert phone.get_by_text("Tentative enregistrée.").is_visible()
    assert phone.locator(".timeline li").count() == 1
    assert_fits_the_screen(phone)
    save_screenshot(phone, "case-page-phone")
    assert Case.objects.get().person.family_name == "Haddad"


def test_the_form_shows_errors_next_to_the_fields(live_server, phone, personas):
    log_in(phone, live_server, "bob")
    phone.goto(f"{live_server.url}/dossiers/nouveau/")
    phone.get_by_role("button", name="Enregistrer").click()
    errors = phone.locator(".field.invalid .error")
    assert errors.count() >= 3
    assert "Ce champ est obligatoire." in errors.first.inner_text()
    save_screenshot(phone, "case-form-errors-phone")
    assert not Case.objects.exists()


def test_an_invalid_attempt_shows_a_summary_at_the_top_that_leads_to_the_field(
    live_server, phone, personas
):
    """GIVEN the « Noter une tentative » form sent without its date, on a 360 px phone
    THEN the page opens on a summary of the errors whose link brings the date field into view."""
    case = make_case(personas.group)
    log_in(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/dossiers/{case.reference}/")
    phone.get_by_label("Canal").select_option("counter")
    phone.get_by_label("Résultat").select_option("refused")
    phone.get_by_role("button", name="Enregistrer la tentative").click()

    summary = phone.locator(".error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("1 erreur à corriger")
    summary.get_by_role("link", name="Date et heure").click()
    expect(phone.locator("#id_at")).to_be_in_viewport()
    assert_fits_the_screen(phone)
    save_screenshot(phone, "attempt-form-errors-phone")


def test_the_case_list_finds_a_case_by_name(live_server, phone, personas):
    case = make_case(personas.group, family_name="Benali")
    make_case(personas.group, family_name="Diallo")
    log_in(phone, live_server, "alice")
    phone.goto(f"{live_server.url}/dossiers/")
    phone.get_by_label("Nom ou référence").fill("bénal")
    phone.get_by_role("button", name="Filtrer").click()
    expect(phone.locator(".cases li")).to_have_count(1)
    expect(phone.locator(".cases li")).to_contain_text(case.reference)
    phone.get_by_label("Nom ou référence").fill("Nguyen")
    phone.get_by_role("button", name="Filtrer").click()
    expect(phone.get_by_text("Aucun dossier ne correspond à cette recherche.")).to_be_visible()


def test_a_new_organisation_starts_from_a_checklist(live_server, phone, personas):
    log_in(phone, live_server, "alice")
    checklist = phone.locator("#first-steps")
    expect(checklist).to_contain_text("Premiers pas")
    assert grave_violations(phone) == []
    assert_fits_the_screen(phone)
    save_screenshot(phone, "first-steps-phone")
    checklist.get_by_role("link", name="Créer le premier dossier").click()
    expect(phone.get_by_role("heading", name="Nouveau dossier")).to_be_visible()
