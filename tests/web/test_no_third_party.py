"""No analytics, no fonts or scripts from elsewhere: every page loads only from our own server.

Real Chromium records every request the pages make while a volunteer and a person use them,
and every message the browser logs (a Content-Security-Policy refusal is logged there).
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request

from creneau.cases.models import Attempt
from creneau.portal import access
from tests.conftest import make_case
from tests.web.test_case_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Recorder:
    def __init__(self, page: Page) -> None:
        self.hosts: set[str] = set()
        self.console: list[str] = []
        page.on("request", self.request)
        page.on("console", self.message)

    def request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            self.hosts.add(parts.netloc)

    def message(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(message.text)


def test_the_pages_load_nothing_from_other_servers_and_break_no_policy(
    live_server, phone, personas
):
    case = make_case(personas.group)
    Attempt.objects.create(
        case=case, channel="online", at=case.created_at, outcome="no_slot", source="manual"
    )
    token = access.issue(case.person, personas.alice, None).token
    seen = Recorder(phone)

    log_in(phone, live_server, "alice")
    for path in [
        "/tableau-de-bord/",
        "/dossiers/",
        f"/dossiers/{case.reference}/",
        f"/dossiers/{case.reference}/courriel/",
        f"/dossiers/{case.reference}/tribunal/",
        "/compte/securite/",
    ]:
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/p/{token}/")
    phone.goto(f"{live_server.url}/p/alertes/")

    assert seen.hosts == {urlsplit(live_server.url).netloc}
    assert [text for text in seen.console if "Content Security Policy" in text] == []
