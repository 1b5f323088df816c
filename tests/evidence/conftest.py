"""Fixtures for the evidence tests: a real local TSA, a tiny local web page, an empty store."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from creneau.accounts.models import Organisation
from creneau.cases.models import Attempt, Case, Person
from creneau.catalog.models import Department, Tribunal
from creneau.lib import browsing
from creneau.lib.localtsa import LocalTSA

PAGES = {
    "/": "<h1>Prise de rendez-vous</h1><p>Aucun créneau disponible pour le moment.</p>",
    "/alert": "<p>Recherche…</p><script>alert('Il n\\'existe plus de plage horaire libre "
    "pour votre demande de rendez-vous.')</script>",
    "/tall": "<div style='height:10000px;background:linear-gradient(#cde,#edc)'>Très long</div>",
}


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        data = f"<!doctype html><html lang='fr'><meta charset='utf-8'>{body}</html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def page_server() -> Iterator[str]:
    """Base URL of a local site serving ``PAGES``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    browsing.close_all()


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path: Path) -> Path:
    """Each test gets an empty evidence store and no authority configured."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.TSA_URLS = []
    settings.TSA_CA_FILE = ""
    settings.TSA_TIMEOUT_S = 5
    return settings.EVIDENCE_DIR


@pytest.fixture
def unreachable_tsa(settings, local_tsa: LocalTSA) -> None:
    """An authority that does not answer (nothing listens there), with the right root."""
    settings.TSA_URLS = ["http://127.0.0.1:9/tsa"]
    settings.TSA_CA_FILE = str(local_tsa.ca_file)


@pytest.fixture
def case(db) -> Case:
    organisation = Organisation.objects.create(name="Groupe local", slug="groupe-local")
    tribunal, _ = Tribunal.objects.get_or_create(
        slug="montreuil", defaults={"name": "TA de Montreuil", "seat": "Montreuil"}
    )
    department, _ = Department.objects.get_or_create(
        code="93",
        defaults={
            "name": "Seine-Saint-Denis",
            "name_with_article": "de la Seine-Saint-Denis",
            "chef_lieu": "Bobigny",
            "tribunal": tribunal,
        },
    )
    person = Person.objects.create(organisation=organisation, family_name="Diallo")
    return Case.objects.create(
        organisation=organisation,
        person=person,
        procedure_kind="renewal",
        department=department,
    )


@pytest.fixture
def new_attempt(case: Case):
    """``new_attempt(day, outcome=…, channel=…)`` records an attempt of ``case`` in Sept 2026."""

    def make(day: int, outcome: str = "no_slot", channel: str = "online") -> Attempt:
        return Attempt.objects.create(
            case=case,
            channel=channel,
            at=datetime(2026, 9, day, 9, 12, tzinfo=UTC),
            outcome=outcome,
        )

    return make
