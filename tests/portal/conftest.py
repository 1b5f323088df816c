"""Fixtures for the person's portal: personal links, a person's browser, a local TSA."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from creneau.cases.models import Case
from creneau.portal import access

GPS_IFD = 0x8825


def open_portal(token: str) -> Client:
    """A fresh browser that opens the person's link, as the person would."""
    client = Client()
    response = client.get(f"/p/{token}/")
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def link_token(alice_case: Case) -> str:
    return access.issue(alice_case.person, None, None).token


@pytest.fixture
def person(link_token: str) -> Client:
    return open_portal(link_token)


def phone_photo() -> bytes:
    """A JPEG as a phone takes it: camera model and GPS position in its EXIF."""
    image = Image.new("RGB", (120, 60), (240, 240, 240))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 56.0, 10.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reveals(response: Any, case: Case) -> bool:
    """Whether a page shows something of the case (its reference as a title, its journal)."""
    page = response.content.decode()
    return f'class="ref">{case.reference}<' in page or "Journal des tentatives" in page
