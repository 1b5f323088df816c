"""Shared fixtures: the catalog loaded once, an isolated evidence store, and named personas.

Personas (as healthchecks does): Alice is a volunteer of the Saint-Denis group, Bob her colleague
in the same group, Charlie a volunteer of another organisation (the outsider).
"""

import ipaddress
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from creneau.accounts.models import Member, Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import Department
from creneau.lib import egress
from creneau.lib.browser import LAUNCH_ARGS, chromium_path
from creneau.lib.localtsa import LocalTSA
from tests.s3server import S3Server, configure

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture(autouse=True)
def catalog_after_flush(request: Any, django_db_blocker: Any) -> Iterator[None]:
    """Transactional tests (live server, browser) empty every table when they end: such a test
    finds the catalog put back before it starts, and leaves it back when it ends."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(names)
    )
    if transactional:
        _ensure_catalog(django_db_blocker)
    yield
    if transactional:
        _ensure_catalog(django_db_blocker)


def _ensure_catalog(django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        if not Department.objects.filter(code="93").exists():
            load_catalog()


@pytest.fixture(autouse=True)
def evidence_store(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    # No test reaches the public authorities of the default list (this machine is offline):
    # tests that timestamp configure the real local TSA (tests/evidence/conftest.py).
    settings.TSA_URLS = []
    settings.TSA_CA_FILE = ""
    # Every SMTP server of this suite listens on 127.0.0.1 (tests/correspondence/
    # test_smtp_hosts.py turns the operator's consent off again).
    settings.ALLOW_LOCAL_SMTP = True
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield settings.EVIDENCE_DIR


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    """The real local RFC 3161 authority (creneau.lib.localtsa), one for the session."""
    tsa = LocalTSA(tmp_path_factory.mktemp("tsa")).start()
    yield tsa
    tsa.stop()


@pytest.fixture
def tsa_on(settings: Any, local_tsa: LocalTSA) -> LocalTSA:
    """Seals of this test get a real token from the local authority, verified with its root."""
    settings.TSA_URLS = [local_tsa.url]
    settings.TSA_CA_FILE = str(local_tsa.ca_file)
    return local_tsa


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The tests' PostgreSQL cluster (``scripts/postgres``), started once: its admin DSN."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL binaries are not installed (scripts/bootstrap installs them)")
    started = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), "start"], capture_output=True, text=True, check=True
    )
    return started.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """The local S3-compatible server (scripts/s3server.py), one for the session."""
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def s3_store(s3_server: S3Server, settings: Any) -> str:
    """The evidence store of this test is a fresh bucket of the local S3 server."""
    bucket = s3_server.new_bucket()
    configure(settings, s3_server, bucket)
    return bucket


@pytest.fixture(scope="session", autouse=True)
def egress_guard_lets_simulators_through() -> Iterator[None]:
    """Simulators serve on 127.0.0.1: this suite's egress guard takes 127.0.0.1 and localhost as
    public (its ``routes`` test seam), and subprocess workers allow local URLs. The guard's own
    tests (tests/lib/test_egress.py) put a strict guard in its place."""
    loopback = ipaddress.ip_address("127.0.0.1")
    guard = egress.EgressGuard(ports=None, routes={"127.0.0.1": loopback, "localhost": loopback})
    egress._guard = guard.start()
    os.environ["CRENEAU_ALLOW_LOCAL_URLS"] = "true"
    os.environ.setdefault("CRENEAU_TSA_URLS", "")  # commands run as processes: no public TSA
    os.environ["CRENEAU_ALLOW_LOCAL_SMTP"] = "true"
    yield
    guard.stop()


@dataclass
class Personas:
    group: Organisation
    other_group: Organisation
    alice: User
    bob: User
    charlie: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def make_member(username: str, organisation: Organisation, role: str = "volunteer") -> User:
    user = User.objects.create_user(username, password="correct horse battery staple")
    Member.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def personas(db: Any) -> Personas:
    group = Organisation.objects.create(name="Cimade Saint-Denis", slug="cimade-93")
    other = Organisation.objects.create(name="LDH Lyon", slug="ldh-69")
    return Personas(
        group=group,
        other_group=other,
        alice=make_member("alice", group),
        bob=make_member("bob", group),
        charlie=make_member("charlie", other),
    )


def make_case(organisation: Organisation, **overrides: Any) -> Case:
    person = Person.objects.create(
        organisation=organisation,
        family_name=overrides.pop("family_name", "Diallo"),
        given_names="Aminata",
        birth_date="1990-04-02",
        nationality="malienne",
    )
    fields: dict[str, Any] = {
        "organisation": organisation,
        "person": person,
        "procedure_kind": "renewal",
        "title": "carte de séjour temporaire",
        "department": Department.objects.get(code="93"),
    }
    return Case.objects.create(**(fields | overrides))


@pytest.fixture
def alice_case(personas: Personas) -> Case:
    return make_case(personas.group)


# One Chromium for every test that drives the web pages: Playwright's sync API runs an event
# loop in this thread, so a second one would be refused.
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # The test's own ORM calls stay synchronous and safe while Playwright's loop runs here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A small phone: 360 px wide, French."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def shots(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Real screenshots, rendered once per test session by Chromium from the simulators
    (``tests/watch/screens.py``; about 25 s): the reader's tests and every path that receives a
    person's screenshots share them. The files live in the session's temporary folder."""
    from creneau.simulators.server import start
    from tests.watch.screens import Renderer, render_set

    folder: Path = tmp_path_factory.mktemp("screenshots")
    with start() as simulator:
        yield render_set(Renderer(browser, simulator, folder))


def apart_from_late_tokens(problems: list[Any]) -> list[Any]:
    """Problems other than ``timestamp_late``: a test that simulates past days seals them with
    tokens of today (the local authority signs with the real clock), which verify rightly says
    prove the files' existence today, not at the simulated time."""
    return [problem for problem in problems if problem.code != "timestamp_late"]
