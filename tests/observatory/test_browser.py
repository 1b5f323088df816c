"""In real Chromium: the watcher's own browser run is sealed as a sample, and the public pages
pass axe, fit a phone and raise no Content-Security-Policy violation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from creneau.accounts.models import Organisation
from creneau.catalog.models import BookingPage
from creneau.evidence.capture import SCREENSHOT
from creneau.lib import browsing
from creneau.observatory import checks, publication
from creneau.observatory.models import CheckHour, SealedCheck
from creneau.scheduling import scheduler
from creneau.scheduling.attempts import watch_page
from tests.conftest import make_case
from tests.portal.web import ensure_catalog, grave_violations
from tests.web.conftest import assert_fits_the_screen, save_screenshot

from .conftest import prefecture_93

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module", autouse=True)
def _close_browsers():
    yield
    browsing.close_all()


@pytest.mark.django_db
def test_the_watchers_own_visit_is_counted_and_sealed_with_its_screenshot(
    personas, simulator, tsa_on, settings
):
    """GIVEN a followed page of the simulator showing slots WHEN its watcher runs for real
    THEN the check is counted and sealed (the day's first), with the browser's screenshot."""
    settings.WATCH_HOURS, settings.WATCH_DAYS = "00:00-23:59", "mon-sun"
    simulator.reset()
    simulator.set_state("rdv_service_public", "slots")
    page = BookingPage.objects.create(
        url=simulator.url("rdv_service_public"),
        system="rdv_service_public",
        prefecture=prefecture_93(),
    )
    make_case(personas.group, booking_page=page)
    work = next(
        w
        for w in scheduler.tick(timezone.now(), dispatch=lambda w: None).claimed
        if w.kind == "watch"
    )

    assert watch_page(work.row_id, work.claim) == "slots_available"

    assert CheckHour.objects.get().slots_available == 1
    sealed = SealedCheck.objects.get()
    assert sealed.reason == "appeared" and sealed.capture.case_id is None
    names = set(sealed.capture.seal.artefacts.values_list("name", flat=True))
    assert SCREENSHOT in names and sealed.capture.seal.state == "sealed"


@pytest.fixture
def published(transactional_db):
    ensure_catalog()
    organisation = Organisation.objects.create(name="Cimade Saint-Denis", slug="cimade-93")
    User.objects.create_user("alice", password="x")  # past the first-run page
    publication.set_public(organisation, True, None)
    page = BookingPage.objects.create(
        url="https://rdv.seine-saint-denis.example/prendre_rdv?x=" + "a" * 80,
        system="rdv_service_public",
        prefecture=prefecture_93(),
    )
    monday = datetime(2026, 3, 2, 8, 5, tzinfo=PARIS)
    for n in range(60):
        outcome = "slots_available" if n % 20 == 1 else ("error" if n % 13 == 0 else "no_slot")
        checks.count(page, outcome, monday + timedelta(hours=5 * n // 11, minutes=n % 50))
    return page


def test_the_public_pages_pass_axe_and_fit_a_phone(live_server, phone, published):
    violations = []
    phone.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    problems = {}
    for name, path in [
        ("home", "/observatoire/"),
        ("prefecture", "/observatoire/93/prefecture-de-la-seine-saint-denis/"),
        ("method", "/observatoire/methode/"),
        ("data", "/observatoire/donnees/"),
    ]:
        phone.goto(live_server.url + path)
        found = grave_violations(phone)
        if found:
            problems[name] = found
        assert_fits_the_screen(phone)
        save_screenshot(phone, f"observatory-{name}")
    assert problems == {}
    assert violations == []
