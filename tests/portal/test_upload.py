"""The person's own screenshot: sealed on arrival, filed without metadata, in the journal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from creneau.cases.models import Attempt
from creneau.evidence.models import JournalEntry, Upload
from creneau.lib import storage
from tests.portal.conftest import GPS_IFD, phone_photo

pytestmark = pytest.mark.django_db


def send(client, case, data, name="capture.jpg", **fields):
    form = {"at": "2026-10-05T09:12", "channel": "online", "outcome": "no_slot"} | fields
    form["file"] = SimpleUploadedFile(name, data)
    return client.post(f"/p/dossier/{case.reference}/capture/", form)


def test_a_screenshot_is_sealed_filed_without_exif_and_noted_in_the_journal(
    alice_case, person, tsa_on
):
    """GIVEN a person on their portal WHEN they send a phone photo of a « no slot » page
    THEN the original is sealed as received, the filed copy has no EXIF, and the journal
    shows a declared online attempt at the time they gave."""
    original = phone_photo()
    response = send(person, alice_case, original)
    assert response.status_code == 302

    attempt = Attempt.objects.get(case=alice_case)
    assert (attempt.channel, attempt.outcome, attempt.source) == ("online", "no_slot", "manual")
    assert attempt.at.isoformat() == "2026-10-05T07:12:00+00:00"  # Paris time, stored in UTC
    assert attempt.recorded_by is None

    upload = Upload.objects.get(case=alice_case)
    assert upload.seal.state == "sealed"
    assert storage.read(upload.original.sha256) == original
    filed = attempt.files.get()
    assert filed.blob == upload.filed and filed.name == "capture.jpg"
    image = Image.open(io.BytesIO(storage.read(filed.blob.sha256)))
    assert not image.getexif().get_ifd(GPS_IFD) and "exif" not in image.info

    assert JournalEntry.objects.filter(case=alice_case, attempt=attempt).exists()
    page = person.get(response["Location"]).content.decode()
    assert (
        "Merci. Votre capture est gardée et notée au journal : tentative "
        "« déclarée avec fichier joint »." in page
    )
    assert "aucun créneau" in page and 'evidence-state--declared_with_file"' in page


def test_a_pdf_is_accepted_as_an_attempt_elsewhere(alice_case, person):
    pdf = (  # the smallest PDF a reader opens (uploads refuse unreadable PDFs)
        b"%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )
    response = send(person, alice_case, pdf, name="../../etc/recu.pdf", channel="other")
    assert response.status_code == 302
    attempt = Attempt.objects.get(case=alice_case)
    assert attempt.channel == "other" and attempt.files.get().name == "recu.pdf"


def test_an_email_or_a_text_file_is_refused_and_nothing_is_recorded(alice_case, person):
    mail = b"From: a@b.fr\r\nTo: c@d.fr\r\nSubject: RDV\r\nDate: x\r\n\r\nBonjour"
    for data in (mail, b"just some text"):
        response = send(person, alice_case, data, name="note.txt")
        assert response.status_code == 400
        assert "Ce fichier n'est pas accepté" in response.content.decode().replace("&#x27;", "'")
    assert not Attempt.objects.exists() and not Upload.objects.exists()


def test_a_date_in_the_future_is_refused(alice_case, person):
    response = send(person, alice_case, phone_photo(), at="2999-01-01T10:00")
    assert response.status_code == 400
    assert not Attempt.objects.exists() and not Upload.objects.exists()


def test_the_outcome_must_be_chosen_by_the_person(alice_case, person):
    response = send(person, alice_case, phone_photo(), outcome="")
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_a_revoked_person_cannot_upload(alice_case, person):
    from creneau.portal import access
    from creneau.portal.models import PersonalLink

    access.revoke(PersonalLink.objects.get())
    assert send(person, alice_case, phone_photo()).status_code == 403
    assert not Upload.objects.exists()
