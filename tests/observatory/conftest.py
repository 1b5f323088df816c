"""Observatory fixtures: a booking page of the Seine-Saint-Denis prefecture followed by a case,
the signing key in the test's folder, a real local time-stamping authority, and a snapshot
maker standing in for the browser seam."""

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from creneau.catalog.models import BookingPage, Prefecture
from creneau.lib.browser import PageSnapshot
from creneau.simulators.server import SimulatorServer, start
from creneau.watch.pagetext import read
from tests.conftest import Personas, make_case

URL = "https://rdv.seine-saint-denis.example/prendre_rdv?motif=titre-sejour"


@pytest.fixture(autouse=True)
def signing_key(settings: Any, tmp_path: Path) -> Path:
    settings.OBSERVATORY_KEY_FILE = tmp_path / "keys" / "observatory_ed25519.pem"
    return Path(settings.OBSERVATORY_KEY_FILE)


@pytest.fixture
def no_tsa(settings: Any) -> None:
    settings.TSA_URLS = []


def prefecture_93() -> Prefecture:
    return Prefecture.objects.get(department_id="93", kind="prefecture")


@pytest.fixture
def page(personas: Personas) -> BookingPage:
    """GIVEN a booking page of the Seine-Saint-Denis prefecture that one case follows."""
    found = BookingPage.objects.create(
        url=URL, system="rdv_service_public", label="Bobigny", prefecture=prefecture_93()
    )
    make_case(personas.group, booking_page=found, prefecture=prefecture_93())
    return found


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(out, "PNG")
    return out.getvalue()


def snapshot(html: str, at: datetime, url: str = URL, status: int = 200) -> PageSnapshot:
    """What the browser seam returns, for a page already fetched (no browser here)."""
    return PageSnapshot(
        requested_url=url,
        final_url=url,
        status=status,
        headers=(("content-type", "text/html; charset=utf-8"),),
        html=html,
        visible_text=read(html).text,
        mhtml=b"",
        screenshot=png(),
        dialogs=(),
        started_at=at,
        finished_at=at,
        browser_version="test",
        user_agent="Creneau/test",
        viewport_width=1366,
    )


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        yield server
