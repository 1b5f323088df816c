"""Scheduling fixtures: simulators, a real local SMTP server, cases following a booking page."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from creneau.catalog.models import BookingPage
from creneau.lib import browsing
from creneau.simulators.server import SimulatorServer, start
from tests.conftest import Personas, make_case
from tests.notifications.smsgateway import http_gateway  # noqa: F401 (a local SMS gateway)

# A Wednesday at 10:07, Paris time (08:07 UTC): inside every default window.
WEDNESDAY_MORNING = datetime(2026, 3, 4, 9, 7, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    browsing.close_all()


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        yield server


@pytest.fixture
def sim(simulator: SimulatorServer) -> SimulatorServer:
    simulator.reset()
    return simulator


@dataclass
class Mailbox:
    """Messages received by a real SMTP server listening on 127.0.0.1."""

    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [
            m.content.decode("utf-8", "replace") for m in self.messages if address in m.rcpt_tos
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.NOTIFY_MAIL_URL = ""
    yield mailbox
    controller.stop()


@pytest.fixture(autouse=True)
def _quick_settings(settings: Any, tmp_path: Path) -> None:
    settings.TSA_URLS = []
    settings.TSA_TIMEOUT_S = 3
    settings.SITE_URL = "http://testserver"


def follow(page: BookingPage, personas: Personas, **overrides: Any):
    """A case of Alice's group following ``page``, the person reachable by e-mail."""
    case = make_case(personas.group, booking_page=page, created_by=personas.alice, **overrides)
    person = case.person
    person.email = overrides.get("email", f"{case.reference.lower()}@personne.example")
    person.save()
    return case


def run_queued() -> None:
    """Run every enqueued task now, in this process (as one `db_worker --batch` would)."""
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        "--verbosity",
        "0",
    )
