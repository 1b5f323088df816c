"""The case page's online attempts card, in real Chromium at 360 px and 1280 px: when the next
attempt runs, « Tenter maintenant », pause and resume, and a failure with what to do."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creneau.catalog.models import BookingPage
from creneau.scheduling import attempts, politeness, scheduler
from creneau.scheduling.models import AssistedSession, EvidenceSchedule
from tests.conftest import make_case
from tests.portal.web import grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
URL = "https://www.rdv.93.gouv.fr/booking/create/9845"


@pytest.fixture
def always_open(settings):
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "00:00-23:59", "mon-sun"


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_volunteer_sees_when_attempts_run_tries_now_and_pauses(
    live_server, personas, always_open, screen, request
):
    page = request.getfixturevalue(screen)
    case = make_case(
        personas.group, booking_page=BookingPage.objects.create(url=URL, system="legacy")
    )
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/dossiers/{case.reference}/")
    card = page.locator("#online-attempts-card")

    expect(card).to_contain_text("Prochaine tentative")
    expect(card).to_contain_text("du lundi au dimanche")
    assert grave_violations(page) == []
    assert_fits_the_screen(page)
    save_screenshot(page, f"online-attempts-{screen}")

    card.get_by_role("button", name="Tenter maintenant").click()
    expect(page.get_by_text("Tentative demandée")).to_be_visible()
    assert EvidenceSchedule.objects.get(case=case).next_run_at <= timezone.now()

    page.locator("#online-attempts-card").get_by_role("button", name="Mettre en pause").click()
    expect(page.locator("#online-attempts-card")).to_contain_text("en pause depuis le")
    page.locator("#online-attempts-card").get_by_role("button", name="Reprendre").click()
    expect(page.get_by_text("Tentatives en ligne reprises.")).to_be_visible()


def test_the_button_is_disabled_with_the_time_when_the_site_budget_is_spent(
    live_server, phone, personas, always_open
):
    case = make_case(
        personas.group, booking_page=BookingPage.objects.create(url=URL, system="legacy")
    )
    host = politeness.host_of(URL)
    while politeness.take(host, timezone.now()).granted:
        pass
    log_in(phone, live_server.url, "alice")
    phone.goto(f"{live_server.url}/dossiers/{case.reference}/")

    button = phone.locator("#online-attempts-card").get_by_role("button", name="Tenter maintenant")
    expect(button).to_be_disabled()
    expect(phone.locator("#try-now-why")).to_contain_text("la prochaine est possible vers")


def test_a_failed_check_shows_its_reason_on_the_case_and_the_dashboard(
    live_server, phone, personas
):
    """GIVEN a case whose page cannot be visited as set up, after its run
    THEN the case page says why and what to do, and the dashboard lists it."""
    bad = BookingPage.objects.create(
        url="https://rdv.val-de-marne.gouv.fr/eAppointment",
        system="eappointment",
        parameters={"postal_code": "abc", "motive": "20"},
    )
    case = make_case(personas.group, booking_page=bad)
    schedule = scheduler.ensure_case_schedule(case, timezone.now())
    EvidenceSchedule.objects.filter(pk=schedule.pk).update(claim="t")
    attempts.evidence_attempt(schedule.pk, "t")
    log_in(phone, live_server.url, "alice")

    phone.goto(f"{live_server.url}/tableau-de-bord/")
    failing = phone.locator("#failing")
    expect(failing).to_contain_text("Tentatives en ligne en échec")
    failing.get_by_role("link", name=case.person.full_name).click()

    expect(phone.locator(".problem")).to_contain_text("réglages de l'organisation")
    assert grave_violations(phone) == []
    assert_fits_the_screen(phone)
    save_screenshot(phone, "online-attempts-failing-phone")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_volunteer_sees_the_assisted_attempts_waiting_for_the_person(
    live_server, personas, screen, request
):
    page = request.getfixturevalue(screen)
    rdv = BookingPage.objects.create(
        url="https://www.rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/7/",
        system="rdv_prefecture",
    )
    case = make_case(personas.group, booking_page=rdv)
    later = timezone.now() + timedelta(hours=20)
    AssistedSession.objects.create(case=case, expires_at=later)
    AssistedSession.objects.create(
        case=case, expires_at=later, state="challenge", rounds=2, challenge_at=timezone.now()
    )
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/dossiers/{case.reference}/")
    waiting = page.get_by_role("list", name="Tentatives assistées en attente de la personne")

    expect(waiting.get_by_role("listitem")).to_have_count(2)
    expect(waiting).to_contain_text("lien envoyé à la personne, pas encore ouvert")
    expect(waiting).to_contain_text("1 code refusé par le site")
    expect(waiting).to_contain_text("valable jusqu")
    assert grave_violations(page) == []
    assert_fits_the_screen(page)
