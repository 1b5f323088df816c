"""A case imported from the documented format, with three months of attempts and their files,
a real local time-stamping authority, and helpers to seal a capture and add a document."""

import datetime
import io
import json
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from creneau.cases.models import Attempt, Case
from creneau.evidence.attempts import record_capture
from creneau.evidence.capture import seal_page
from creneau.evidence.models import CaseDocument, Upload
from creneau.evidence.uploads import seal_upload
from creneau.lib.browser import PageSnapshot
from creneau.privacy.transfer import import_case, load_file
from creneau.watch.honesty import read

BOOKING_URL = "https://www.seine-saint-denis.gouv.fr/booking/create/1234"
# Three months, different weeks and hours (CE 10 juin 2020: not all in the same week).
ONLINE = [
    "2026-06-02T09:12:00+02:00",
    "2026-06-10T18:40:00+02:00",
    "2026-06-19T08:05:00+02:00",
    "2026-07-01T11:45:00+02:00",
    "2026-07-15T14:02:00+02:00",
    "2026-07-28T07:55:00+02:00",
    "2026-08-04T10:30:00+02:00",
    "2026-08-18T16:20:00+02:00",
    "2026-08-27T09:00:00+02:00",
]


def screenshot_png(text: str, size: tuple[int, int] = (683, 700)) -> bytes:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 60), fill=(0, 0, 145))
    draw.text((20, 20), "Préfecture de la Seine-Saint-Denis", fill="white")
    draw.text((20, 120), text, fill="black")
    draw.text(
        (20, 160), "Il n'existe plus de plage horaire libre pour votre demande.", fill="black"
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def mail(subject: str, day: str, reply: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "aminata.diallo@example.org"
    message["To"] = "pref-etrangers@seine-saint-denis.gouv.fr"
    message["Date"] = day
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@example.org>"
    message.set_content(
        "Madame, Monsieur,\n\nJe sollicite un rendez-vous pour le renouvellement de mon titre "
        "de séjour : le site n'en propose aucun.\n\nAminata Diallo"
    )
    return bytes(message)


def letter_jpeg() -> bytes:
    image = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(image).text((40, 40), "Lettre recommandée avec AR n° 1A 234 567 8901 2", fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def pdf_document(text: str) -> bytes:
    image = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(image).text((40, 40), text, fill=0)
    out = io.BytesIO()
    image.save(out, "PDF")
    return out.getvalue()


def write_case_file(folder: Path) -> Path:
    (folder / "files").mkdir(parents=True)
    attempts: list[dict[str, Any]] = []
    for number, at in enumerate(ONLINE, start=1):
        name = f"files/capture-{number}.png"
        (folder / name).write_bytes(screenshot_png(f"Tentative {number} du {at}"))
        attempts.append({"channel": "online", "at": at, "outcome": "no_slot", "files": [name]})
    (folder / "files/mail-1.eml").write_bytes(
        mail("Demande de rendez-vous", "Tue, 16 Jun 2026 08:05:00 +0200")
    )
    attempts.append(
        {
            "channel": "email",
            "at": "2026-06-16T08:05:00+02:00",
            "outcome": "no_answer",
            "files": ["files/mail-1.eml"],
        }
    )
    (folder / "files/ar.jpg").write_bytes(letter_jpeg())
    attempts.append(
        {
            "channel": "letter",
            "at": "2026-07-06T10:00:00+02:00",
            "outcome": "delivered",
            "files": ["files/ar.jpg"],
        }
    )
    attempts.append(
        {
            "channel": "counter",
            "at": "2026-08-10T10:30:00+02:00",
            "outcome": "refused",
            "note": "L'agent a répondu qu'aucun rendez-vous n'est donné au guichet.",
        }
    )
    data = {
        "person": {
            "family_name": "Diallo",
            "given_names": "Aminata",
            "birth_date": "1990-04-02",
            "birth_place": "Bamako (Mali)",
            "nationality": "malienne",
            "email": "aminata.diallo@example.org",
            "phone": "06 12 34 56 78",
            "address": "12 rue de la République\n93200 Saint-Denis",
        },
        "procedure": {"kind": "renewal", "title": "carte de séjour temporaire", "ground": ""},
        "department": "93",
        "booking_url": BOOKING_URL,
        "facts": {"title_expires_on": "2026-08-12", "employment": True},
        "attempts": attempts,
    }
    path = folder / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


@pytest.fixture
def imported_case(personas: Any, tmp_path: Path) -> Case:
    """GIVEN a renewal in Seine-Saint-Denis imported with three months of attempts and files."""
    path = write_case_file(tmp_path / "import")
    return import_case(load_file(path), personas.group)


NO_SLOT_TEXT = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)


def sealed_capture(case: Case, at: datetime.datetime, png: bytes) -> Attempt:
    """An online attempt with a sealed capture, recorded by the capture pipeline itself from a
    snapshot given here (no browser): stamped, sealed and timestamped for real."""
    snap = PageSnapshot(
        requested_url=BOOKING_URL,
        final_url=BOOKING_URL,
        status=200,
        headers=(("content-type", "text/html; charset=utf-8"),),
        html=f"<form id='FormBookingCreate'><p>{NO_SLOT_TEXT}</p></form>",
        visible_text=NO_SLOT_TEXT,
        mhtml=b"",
        screenshot=png,
        dialogs=(),
        started_at=at,
        finished_at=at,
        browser_version="",
        user_agent="",
        viewport_width=1366,
    )
    result = seal_page(snap, read(snap), case=case)
    assert result.outcome == "no_slot", result
    attempt = record_capture(result.capture_id)
    assert attempt is not None
    return attempt


def add_document(case: Case, kind: str, label: str, data: bytes, name: str) -> CaseDocument:
    sealed = seal_upload(data, name, case)
    return CaseDocument.objects.create(
        case=case, kind=kind, label=label, upload=Upload.objects.get(pk=sealed.upload_id)
    )
