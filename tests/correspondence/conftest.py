"""A real SMTP server on 127.0.0.1 (aiosmtpd), a real local TSA, a case with sealed captures."""

import io
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from creneau.accounts.models import MailSettings
from creneau.cases.models import Case
from creneau.evidence import seal
from creneau.evidence.capture import STAMPED
from creneau.evidence.models import Capture
from creneau.lib.localtsa import LocalTSA
from tests.conftest import make_case


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the DATA payload exactly as the server read it (dot-unstuffed)


@dataclass
class Inbox:
    """What the SMTP server accepted, in order."""

    host: str
    port: int
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def tsa_on(settings: Any, local_tsa: LocalTSA) -> LocalTSA:
    """Every seal in these tests gets a real RFC 3161 token from the local authority."""
    settings.TSA_URLS = [local_tsa.url]
    settings.TSA_CA_FILE = str(local_tsa.ca_file)
    settings.TSA_TIMEOUT_S = 5
    settings.CORRESPONDENCE_SMTP_TIMEOUT_S = 5
    return local_tsa


@pytest.fixture
def mail_settings(personas: Any, smtp_server: Inbox) -> MailSettings:
    return MailSettings.objects.create(
        organisation=personas.group,
        host=smtp_server.host,
        port=smtp_server.port,
        security=MailSettings.Security.NONE,
        from_address="permanence@cimade-93.example",
        reply_to="dossiers@cimade-93.example",
    )


def png(width: int = 600, height: int = 400, colour: str = "#cde", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG")
    return out.getvalue()


BOOKING_URL = "https://www.seine-saint-denis.gouv.fr/booking/create/1"


def add_capture(case: Case, started_at: datetime, outcome: str = "no_slot") -> Capture:
    """A sealed capture of ``case`` with a stamped screenshot, as the watcher would leave it."""
    files = [seal.File(STAMPED, png(colour=f"#{started_at.day:02d}aa77"), "image/png")]
    capture_id = uuid.uuid4()
    facts = {"capture_id": str(capture_id), "url": BOOKING_URL, "outcome": outcome}
    sealed = seal.seal_files("capture", files, facts)
    return Capture.objects.create(
        id=capture_id,
        url=BOOKING_URL,
        outcome=outcome,
        started_at=started_at,
        finished_at=started_at + timedelta(seconds=4),
        case=case,
        seal=sealed.seal,
    )


@pytest.fixture
def case(personas: Any) -> Case:
    """Alice's renewal case at the Seine-Saint-Denis prefecture, with three sealed captures."""
    case = make_case(personas.group)
    person = case.person
    person.email = "aminata.diallo@example.org"
    person.address = "12 rue de la République\n93200 Saint-Denis"
    person.birth_place = "Bamako (Mali)"
    person.save()
    for day in (1, 9, 17):
        add_capture(case, datetime(2026, 9, day, 9, 12, tzinfo=UTC))
    add_capture(case, datetime(2026, 9, 20, 9, 0, tzinfo=UTC), outcome="slots_available")
    return case


def exif_jpeg() -> bytes:
    """A photo carrying GPS coordinates and a camera model, as phones write them."""
    image = Image.new("RGB", (320, 200), "#eeddcc")
    exif = Image.Exif()
    exif[0x0110] = "Téléphone de test"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 56.0, 10.0), 3: "E", 4: (2.0, 21.0, 30.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def ca_file(settings: Any) -> Path:
    return Path(settings.TSA_CA_FILE)
