"""Issue 19's « done when »: a volunteer's day and a person's journey, walked in real Chromium
on a 360 px phone and a 1280 px screen.

On every page visited: axe-core finds no serious or critical violation, the server never answers
with an error (5xx) nor misses a style, script, image or font, nothing scrolls sideways, the page
is in the language expected (right to left in Arabic, with its menu in Arabic), the language
switch shows on the person's pages only, and no label of a box to tick ends with a colon.
The volunteers' pages are in French only (the association's working tool, its documents are
French): their day is walked in a browser asking for Arabic (its language and a language
cookie), and every page must still be French, left to right. The person's pages speak the
language kept with the person from the first visit of their link, walked in French and Arabic.
Pages are reached by their addresses and forms by their actions and field names.
A screenshot of every page is kept in test-artifacts/ (``walk-<page>-<language>-<width>.png``)."""

import datetime
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, expect

from creneau.accounts.models import Member
from creneau.cases.models import Attempt, Case
from creneau.catalog.models import BookingPage
from creneau.portal import access
from creneau.scheduling import assisted
from creneau.scheduling.models import AssistedSession
from tests.conftest import Personas, make_case
from tests.court.conftest import screenshot_png as page_picture
from tests.court.conftest import sealed_capture
from tests.portal.web import grave_violations, log_in, screenshot_png
from tests.watch.conftest import sim, simulator  # noqa: F401 (fixtures: the simulators)
from tests.web.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 1280]
LANGUAGES = ["fr", "ar"]
LONG = 60_000  # ms: the server's browser opening the booking site on a busy 2-core machine
BOOKING_URL = "https://www.rdv.93.gouv.fr/booking/create/9845"  # legacy, known by its shape


@pytest.fixture
def always_open(settings: Any) -> None:
    settings.EVIDENCE_HOURS, settings.EVIDENCE_DAYS = "00:00-23:59", "mon-sun"


# Labels of a box to tick that end with a colon (« … peut témoigner : »): read after the box,
# as an answer, they take no colon.
CHECKBOX_COLONS = """() => [...document.querySelectorAll('label')].filter((label) => {
  const box = label.control;
  return box && ['checkbox', 'radio'].includes(box.type) && /[:：]\\s*$/.test(label.innerText);
}).map((label) => label.innerText)"""


# Entries of the menu at the top without a word of Arabic (the menu follows the language chosen,
# even where a page's text is not translated yet).
MENU_NOT_IN_ARABIC = """() => [...document.querySelectorAll('header nav a, header nav button')]
  .map((entry) => entry.innerText.trim()).filter((text) => !/[\\u0600-\\u06ff]/.test(text))"""


@dataclass
class Walk:
    """One browser window walking a journey; :meth:`check` looks at the page as it stands."""

    page: Page
    base: str
    language: str
    width: int
    person: bool  # the person's pages: the language switch shows (never on a volunteer's page)
    problems: dict[str, Any] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._answered)

    def _answered(self, response: Response) -> None:
        """A server error anywhere, or a part of a page (style, script, image) missing."""
        if not response.url.startswith(self.base):
            return
        part = response.request.resource_type in {"stylesheet", "script", "image", "font"}
        if response.status >= 500 or (part and response.status >= 400):
            self.problems.setdefault("server errors", []).append(
                f"{response.status} {response.url}"
            )

    def go(self, path: str, name: str) -> None:
        self.page.goto(self.base + path)
        self.check(name)

    def check(self, name: str) -> None:
        self.visited.append(name)
        found = grave_violations(self.page)
        if found:
            self.problems[f"axe {name}"] = found
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > self.width:
            self.problems[f"overflow {name}"] = f"{width}px wide on a {self.width}px screen"
        colons = self.page.evaluate(CHECKBOX_COLONS)
        if colons:
            self.problems[f"punctuation {name}"] = colons
        if self.language == "ar":
            french = self.page.evaluate(MENU_NOT_IN_ARABIC)
            if french:
                self.problems[f"menu {name}"] = french
        if self.page.locator("select#language").count() != int(self.person):
            self.problems[f"language switch {name}"] = "shown" if not self.person else "missing"
        html = self.page.locator("html")
        expected = "rtl" if self.language == "ar" else "ltr"
        if (html.get_attribute("lang"), html.get_attribute("dir")) != (self.language, expected):
            self.problems[f"language {name}"] = (
                html.get_attribute("lang"),
                html.get_attribute("dir"),
            )
        save_screenshot(self.page, f"walk-{name}-{self.language}-{self.width}")

    def submit(self, action: str) -> None:
        """Press the submit button of the form posting to an address ending with ``action``."""
        self.page.locator(f'main form[action$="{action}"] button[type=submit]').first.click()


@pytest.fixture
def window(browser: Browser, live_server) -> Iterator[Callable[..., Walk]]:
    contexts = []

    def open_window(language: str, width: int, person: bool, asks: str = "fr") -> Walk:
        """A window expecting pages in ``language``, in a browser asking for ``asks`` (its
        language and a language cookie, as a volunteer's own switch once set it). The person's
        window sets no cookie: the site speaks their preferred language from the first visit."""
        context = browser.new_context(viewport={"width": width, "height": 800}, locale=asks)
        contexts.append(context)
        if not person:
            cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": asks}
            context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(LONG)
        return Walk(page, live_server.url, language, width, person)

    yield open_window
    for context in contexts:
        context.close()


# --- The volunteer ---------------------------------------------------------------------------


def create_case(walk: Walk) -> str:
    """A new case, from the first-run dashboard; returns its reference."""
    walk.go("/tableau-de-bord/", "dashboard-first-run")
    expect(walk.page.locator("#first-steps")).to_be_visible()
    walk.go("/dossiers/nouveau/", "case-form")
    form = walk.page.locator('main form[method="post"]').first
    form.locator("[name='person-family_name']").fill("Haddad")
    form.locator("[name='person-given_names']").fill("Samir")
    form.locator("[name='person-email']").fill("samir.haddad@personne.example")
    form.locator("[name='case-procedure_kind']").select_option("renewal")
    form.locator("[name='case-department']").select_option("93")
    form.locator("button[type=submit]").last.click()
    walk.page.wait_for_url(re.compile(r"/dossiers/[^/]+/$"))
    reference = walk.page.url.rstrip("/").rsplit("/", 1)[1]
    assert reference != "nouveau"
    walk.check("case-new")
    return reference


def attach_booking_page(walk: Walk, reference: str) -> None:
    walk.go(f"/dossiers/{reference}/modifier/", "case-edit")
    walk.page.locator("[name='case-booking_url']").fill(BOOKING_URL)
    walk.page.locator('main form[method="post"] button[type=submit]').last.click()
    walk.page.wait_for_url(re.compile(rf"/dossiers/{reference}/$"))
    expect(walk.page.locator("#online-attempts-card form")).not_to_have_count(0)
    walk.check("case-with-booking-page")


def online_attempts(walk: Walk, reference: str) -> None:
    """« Tenter maintenant », then pause and resume, from the case page's card."""
    card = walk.page.locator("#online-attempts-card")
    card.locator('form[action$="/maintenant/"] button').click()
    expect(walk.page.locator("main .messages")).to_be_visible()
    walk.check("case-try-now")
    walk.page.locator('#online-attempts-card form[action$="/pause/"] button').click()
    expect(walk.page.locator('#online-attempts-card form[action$="/reprise/"]')).to_be_visible()
    walk.check("case-paused")
    walk.page.locator('#online-attempts-card form[action$="/reprise/"] button').click()
    expect(walk.page.locator('#online-attempts-card form[action$="/pause/"]')).to_be_visible()


def invalid_attempt(walk: Walk, reference: str) -> None:
    """« Noter une tentative » without its date: the summary at the top leads to the field."""
    form = walk.page.locator(f'form[action$="/dossiers/{reference}/tentatives/"]')
    form.locator("[name=channel]").select_option("counter")
    form.locator("[name=outcome]").select_option("refused")
    form.locator("button[type=submit]").click()
    summary = walk.page.locator("#error-summary")
    expect(summary).to_be_in_viewport()
    walk.check("case-attempt-errors")
    summary.locator('a[href="#id_at"]').click()
    expect(walk.page.locator("#id_at")).to_be_in_viewport()
    expect(walk.page.locator("#id_at")).to_be_focused()


def correspondence(walk: Walk, reference: str) -> None:
    """The e-mail draft, the registered letter and a counter visit."""
    case = f"/dossiers/{reference}"
    walk.go(f"{case}/courriel/", "mail")
    prepare = walk.page.locator('main form[action$="/courriel/preparer/"]')
    prepare.locator("[name=recipient]").fill("pref-etrangers@seine-saint-denis.gouv.fr")
    prepare.locator("button[type=submit]").click()
    walk.page.wait_for_url(re.compile(r"/courriel/\d+/$"))
    walk.check("mail-draft")
    walk.go(f"{case}/lettre/", "letter")
    walk.go(f"{case}/guichet/", "counter")
    visit = walk.page.locator('main form[action$="/guichet/noter/"]')
    at = timezone.localtime() - datetime.timedelta(days=1)
    visit.locator("input[name=at], input[name=at_0]").first.fill(at.strftime("%Y-%m-%dT%H:%M"))
    visit.locator("[name=outcome]").select_option("refused")
    visit.locator("[name=said]").fill("Il n'y a pas de rendez-vous, revenez plus tard.")
    visit.locator("button[type=submit]").click()
    expect(walk.page.locator("main .messages")).to_be_visible()
    walk.check("counter-noted")


def evidence_and_court(walk: Walk, reference: str, personas: Personas) -> None:
    """The evidence viewer of a sealed capture, the court page and its bundle page."""
    case = Case.objects.get(reference=reference)
    at = timezone.now() - datetime.timedelta(days=2)
    sealed = sealed_capture(case, at, page_picture("Aucun créneau disponible", (1366, 900)))
    walk.go(f"/dossiers/{reference}/tentatives/{sealed.pk}/", "evidence-viewer")
    expect(walk.page.locator(".evidence-image img")).to_be_visible()
    walk.go(f"/dossiers/{reference}/tribunal/", "court")
    walk.submit("/tribunal/dossier-de-depot/")
    walk.page.wait_for_url(re.compile(r"/dossier-de-depot/[0-9a-f-]+/$"))
    walk.check("court-bundle")


def organisation(walk: Walk, slug: str) -> None:
    walk.go(f"/organisation/{slug}/", "organisation")
    walk.go(f"/compte/courriel/{slug}/", "organisation-mail")
    walk.go(f"/compte/sms/{slug}/", "organisation-sms")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_volunteers_day(window, live_server, personas, always_open, width):
    """GIVEN Alice, admin of a new organisation, in a browser asking for Arabic
    WHEN she logs in, opens her first case, attaches a booking page, tries now, pauses, notes an
    attempt wrongly, writes, prepares the letter, notes a counter visit, opens a sealed capture
    and the court bundle, and her organisation's settings
    THEN every page passes axe, fits the screen and is in French, left to right, without the
    language switch."""
    Member.objects.filter(user=personas.alice).update(role=Member.Role.ADMIN)
    walk = window("fr", width, person=False, asks="ar")
    walk.go("/connexion/", "login")
    log_in(walk.page, live_server.url, "alice")

    reference = create_case(walk)
    attach_booking_page(walk, reference)
    online_attempts(walk, reference)
    invalid_attempt(walk, reference)
    correspondence(walk, reference)
    evidence_and_court(walk, reference, personas)
    organisation(walk, personas.group.slug)

    assert walk.problems == {}, walk.problems
    assert len(walk.visited) >= 16


# --- The person ------------------------------------------------------------------------------


def upload_screenshot(walk: Walk, reference: str) -> None:
    walk.go(f"/p/dossier/{reference}/capture/", "portal-upload")
    form = walk.page.locator('main form[method="post"]').first
    form.locator("[name=file]").set_input_files(
        files=[{"name": "capture.png", "mimeType": "image/png", "buffer": screenshot_png()}]
    )
    at = timezone.localtime() - datetime.timedelta(hours=1)
    form.locator("[name=at]").fill(at.strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=channel][value=online]").check()
    form.locator("[name=outcome][value=no_slot]").check()
    form.locator("button[type=submit]").click()
    walk.page.wait_for_url(re.compile(rf"/p/dossier/{reference}/$"))
    expect(walk.page.locator(".timeline li")).not_to_have_count(0)
    walk.check("portal-upload-sent")


def alert_channels(walk: Walk) -> None:
    walk.go("/p/alertes/", "portal-alerts")
    form = walk.page.locator("main form:has([name=email])").first
    form.locator("[name=email]").fill("samir.haddad@personne.example")
    form.locator("button[type=submit]").click()
    expect(walk.page.locator("main .messages")).to_be_visible()
    walk.check("portal-alerts-saved")


class Relay:
    """The server's browser holding the booking page for the person (queue ``assisted``)."""

    def __init__(self, session: AssistedSession) -> None:
        self.done = threading.Event()
        self.outcome = ""
        self.thread = threading.Thread(target=self._run, args=(session.pk,))
        self.thread.start()

    def _run(self, session_id: int) -> None:
        try:
            self.outcome = assisted.run_session(session_id, wait=self.done.wait)
        finally:
            connection.close()

    def join(self) -> str:
        self.thread.join(LONG / 1000)
        assert not self.thread.is_alive(), "the relay did not finish"
        return self.outcome


def wrong_codes_then_retry(walk: Walk, session: AssistedSession) -> None:
    """Start; every code typed is wrong: « code refusé » with the tries left, then the site's
    page is kept and the person may start again with a new code."""
    page = walk.page
    walk.go(assisted.path_for(session), "assisted-start")
    walk.submit("/commencer/")
    relay = Relay(session)
    try:
        expect(page.locator("#answer")).to_be_visible()  # the page reloads itself until then
        walk.check("assisted-challenge")
        for left in range(assisted.MAX_ROUNDS - 1, 0, -1):
            page.locator("#answer").fill("FAUX00")
            walk.submit("/reponse/")
            expect(page.locator("#code-refused")).to_contain_text(re.compile(rf"\b{left}\b"))
            walk.check(f"assisted-code-refused-{left}-left")
        page.locator("#answer").fill("FAUX00")
        walk.submit("/reponse/")
        expect(page.locator('main form[action$="/commencer/"]')).to_be_visible()
    finally:
        outcome = relay.join()
    assert outcome == "captcha"
    expect(page.locator("#code-refused")).to_be_visible()
    walk.check("assisted-refused-retry")


def right_code_then_back(walk: Walk, reference: str, session: AssistedSession, code: str) -> None:
    """« Réessayer avec un nouveau code », the right code, then back to the portal."""
    page = walk.page
    walk.submit("/commencer/")
    relay = Relay(session)
    try:
        expect(page.locator("#answer")).to_be_visible()
        page.locator("#answer").fill(code)
        walk.submit("/reponse/")
        back = page.locator(f'main a[href$="/p/dossier/{reference}/"]')
        expect(back).to_be_visible()
    finally:
        outcome = relay.join()
    assert outcome == "no_slot"
    walk.check("assisted-done")
    back.click()
    page.wait_for_url(re.compile(rf"/p/dossier/{reference}/$"))
    walk.check("portal-after-assisted")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_persons_journey(
    window,
    live_server,
    personas,
    sim,  # noqa: F811
    settings,
    language,
    width,
):
    """GIVEN a person followed on an RDV Préfecture page, with a personal link
    WHEN they open it, send a screenshot, choose their alerts and answer an assisted attempt
    (wrong codes until the site gives up, then again with the right one)
    THEN every page passes axe, fits the screen and reads in their language, right to left in
    Arabic, and both visits of the booking site are sealed as attempts."""
    page = BookingPage.objects.create(url=sim.url("rdv_prefecture"), system="rdv_prefecture")
    case = make_case(personas.group, booking_page=page)
    case.person.preferred_language = language
    case.person.email = "samir.haddad@personne.example"
    case.person.save()
    walk = window(language, width, person=True)

    walk.go(f"/p/{access.issue(case.person, None, None).token}/", "portal")
    walk.page.wait_for_url(re.compile(rf"/p/dossier/{case.reference}/$"))
    upload_screenshot(walk, case.reference)
    alert_channels(walk)
    expires = timezone.now() + datetime.timedelta(hours=1)
    session = AssistedSession.objects.create(case=case, expires_at=expires)
    settings.POLITENESS_CAPACITY = 10  # room for the two visits of the assisted attempt
    wrong_codes_then_retry(walk, session)
    right_code_then_back(walk, case.reference, session, sim.captcha_code)

    assert walk.problems == {}, walk.problems
    assert len(walk.visited) >= 11
    sealed = Attempt.objects.filter(case=case, source="sealed").order_by("at")
    assert [a.outcome for a in sealed] == ["captcha", "no_slot"]
