"""Accessibility of the main pages: axe-core finds no serious or critical violation, the
keyboard reaches everything with a visible focus, and pages reflow at 320 px (200 % zoom)."""

import pytest
from django.conf import settings

from creneau.accounts.models import Member
from creneau.cases.models import Attempt, Case
from creneau.catalog.models import BookingPage
from creneau.portal import access
from tests.conftest import make_case, make_member
from tests.portal.web import grave_violations, log_in
from tests.web.conftest import assert_fits_the_screen, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(personas):
    case = make_case(personas.group, title_expires_on="2026-12-24")
    Attempt.objects.create(case=case, channel="online", at="2026-10-01T07:00Z", outcome="no_slot")
    return case


def check(page, name: str, problems: dict) -> None:
    """Run axe, keep a screenshot, and check the page fits a 360 px screen."""
    found = grave_violations(page)
    if found:
        problems[name] = found
    assert_fits_the_screen(page)
    save_screenshot(page, f"a11y-{name}")


def set_language(page, base_url: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def in_french(page) -> bool:
    html = page.locator("html")
    return (html.get_attribute("lang"), html.get_attribute("dir")) == ("fr", "ltr")


def test_the_first_run_page(live_server, phone):
    """The volunteers' pages are in French, even for a browser that once chose Arabic."""
    problems: dict = {}
    set_language(phone, live_server.url, "ar")
    phone.goto(f"{live_server.url}/installation/")
    assert in_french(phone)
    check(phone, "first-run", problems)
    assert problems == {}


def test_the_login_page(live_server, phone, personas):
    problems: dict = {}
    set_language(phone, live_server.url, "ar")
    phone.goto(f"{live_server.url}/connexion/")
    assert phone.locator("#id_password").is_visible() and in_french(phone)
    check(phone, "login", problems)
    phone.locator("#id_username").fill("alice")
    phone.locator("#id_password").fill("wrong password")
    phone.locator("main button[type=submit]").click()
    check(phone, "login-error", problems)
    assert problems == {}


def test_the_volunteer_pages(live_server, phone, personas, case):
    problems: dict = {}
    log_in(phone, live_server.url, "alice")
    for name, path in [
        ("dashboard", "/tableau-de-bord/"),
        ("case-list", "/dossiers/"),
        ("case-page", f"/dossiers/{case.reference}/"),
        ("case-data", f"/dossiers/{case.reference}/donnees/"),
        ("account-security", "/compte/securite/"),
        ("case-form", "/dossiers/nouveau/"),
    ]:
        phone.goto(live_server.url + path)
        check(phone, name, problems)
    phone.get_by_role("button", name="Enregistrer", exact=True).click()  # the form with errors
    check(phone, "case-form-errors", problems)
    assert problems == {}


def test_the_organisation_admin_pages(live_server, phone, personas, case):
    """Every page an organisation's admin uses instead of the Django admin, and the booking
    page form with its errors."""
    make_member("diane", personas.group, role=Member.Role.ADMIN)
    page = BookingPage.objects.create(
        url="https://www.rdv.93.gouv.fr/booking/create/9845", system="legacy"
    )
    Case.objects.filter(pk=case.pk).update(booking_page=page)
    slug = personas.group.slug
    problems: dict = {}
    log_in(phone, live_server.url, "diane")
    for name, path in [
        ("organisation", f"/organisation/{slug}/"),
        ("mail-settings", f"/compte/courriel/{slug}/"),
        ("sms-settings", f"/compte/sms/{slug}/"),
        ("booking-pages", f"/organisation/{slug}/pages/"),
        ("booking-page", f"/organisation/{slug}/pages/{page.pk}/"),
    ]:
        phone.goto(live_server.url + path)
        check(phone, name, problems)
    phone.goto(f"{live_server.url}/organisation/{slug}/pages/")
    phone.get_by_role("button", name="Ajouter la page").click()  # no address: the errors
    check(phone, "booking-pages-errors", problems)
    assert phone.locator("#error-summary a[href='#id_new-url']").is_visible()
    assert problems == {}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_persons_pages(live_server, phone, case, language):
    problems: dict = {}
    set_language(phone, live_server.url, language)
    phone.goto(f"{live_server.url}/p/{access.issue(case.person, None, None).token}/")
    check(phone, f"portal-case-{language}", problems)
    for name, path in [
        ("upload", f"/p/dossier/{case.reference}/capture/"),
        ("alerts", "/p/alertes/"),
    ]:
        phone.goto(live_server.url + path)
        check(phone, f"portal-{name}-{language}", problems)
    phone.goto(f"{live_server.url}/p/dossier/{case.reference}/capture/")
    phone.locator("main button[type=submit]").click()  # nothing filled in: errors shown
    check(phone, f"portal-upload-errors-{language}", problems)
    phone.goto(f"{live_server.url}/p/not-a-valid-link-at-all-0123456789/")
    check(phone, f"portal-no-access-{language}", problems)
    assert problems == {}


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').slice(0, 30),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight};
}"""


def test_the_keyboard_reaches_everything_with_a_visible_focus(live_server, phone, case):
    """GIVEN the person's case page WHEN it is used with the Tab key only THEN the first stop is
    the skip link, which leads to the content; every stop shows its focus; the last control
    (the language switch) is reached and Tab then leaves the page: no trap."""
    phone.goto(f"{live_server.url}/p/{access.issue(case.person, None, None).token}/")
    phone.keyboard.press("Tab")
    first = phone.evaluate(FOCUSED)
    assert first["text"] == "Aller au contenu" and first["visible"] and first["outline"]
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"

    stops = []
    for _ in range(60):
        phone.keyboard.press("Tab")
        stop = phone.evaluate(FOCUSED)
        if stop["tag"] == "BODY":
            break
        stops.append(stop)
    assert stops and stops[-1]["text"] == "Changer", stops[-3:]
    assert [s for s in stops if not (s["outline"] and s["visible"])] == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_pages_reflow_at_200_percent_zoom(live_server, browser, personas, case, language):
    """A 640 px window zoomed to 200 % is 320 CSS px wide: nothing may scroll sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="fr-FR")
    page = context.new_page()
    set_language(page, live_server.url, language)
    page.goto(f"{live_server.url}/p/{access.issue(case.person, None, None).token}/")
    assert_fits_the_screen(page)
    page.goto(f"{live_server.url}/p/dossier/{case.reference}/capture/")
    assert_fits_the_screen(page)
    log_in(page, live_server.url, "alice")
    for path in ("/tableau-de-bord/", f"/dossiers/{case.reference}/", "/dossiers/"):
        page.goto(live_server.url + path)
        assert_fits_the_screen(page)
    save_screenshot(page, f"zoom-200-case-list-{language}")
    context.close()
