import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from creneau.cases.models import Attempt
from creneau.correspondence.forms import LetterSentForm
from creneau.correspondence.models import RegisteredLetter
from creneau.evidence.models import Upload
from creneau.evidence.verify import verify_store
from creneau.lib import storage, tsa
from tests.correspondence.conftest import exif_jpeg


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1A12345678901", "1A12345678901"),
        ("1a 123 456 7890 1", "1A12345678901"),
        ("RR123456789FR", "RR123456789FR"),
        ("1A123456789", "1A123456789"),  # 11
        ("1A1234567890123", "1A1234567890123"),  # 15
    ],
)
def test_a_tracking_number_of_11_to_15_letters_and_digits_is_accepted(typed, kept):
    form = LetterSentForm({"tracking_number": typed, "at": "2026-09-23T10:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tracking_number"] == kept


@pytest.mark.parametrize(
    "typed", ["1A1234567", "1A12345678901234", "ABCDEFGHIJKLM", "1A12345678901!", "1A1234567890é"]
)
def test_a_malformed_tracking_number_is_refused_in_french(typed):
    form = LetterSentForm({"tracking_number": typed, "at": "2026-09-23T10:00"})
    assert not form.is_valid()
    assert "de 11 à 15 lettres et chiffres" in form.errors["tracking_number"][0]


def test_a_date_in_the_future_is_refused(db):
    form = LetterSentForm({"tracking_number": "1A12345678901", "at": "2099-01-01T10:00"})
    assert not form.is_valid()
    assert form.errors["at"] == ["La date ne peut pas être dans le futur."]


def test_the_letter_downloads_as_pdf_and_docx(personas, case):
    alice = personas.client_for(personas.alice)
    pdf = alice.get(reverse("letter-document", args=[case.reference, "pdf"]))
    docx = alice.get(reverse("letter-document", args=[case.reference, "docx"]))
    assert pdf.status_code == docx.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert docx.content.startswith(b"PK")
    assert "wordprocessingml" in docx["Content-Type"]
    # Named in French, like the interface (issue 19: « letter-….pdf » on a French page).
    assert pdf["Content-Disposition"] == f'attachment; filename="lettre-{case.reference}.pdf"'
    assert docx["Content-Disposition"].endswith(f'filename="lettre-{case.reference}.docx"')
    assert alice.get(reverse("letter-document", args=[case.reference, "odt"])).status_code == 404


def test_posting_then_the_avis_de_reception_makes_two_attempts_the_scan_sealed_without_exif(
    personas, case
):
    """GIVEN a letter recorded as posted WHEN the AR photo (with GPS in its EXIF) is uploaded
    THEN a 'delivered' attempt holds a copy without metadata, the original being sealed."""
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("letter", args=[case.reference]))
    assert "Préparer la lettre" in page.content.decode()
    response = alice.post(
        reverse("letter-sent", args=[case.reference]),
        {"tracking_number": "1A 123 456 7890 1", "at": "2026-09-23T10:00"},
    )
    assert response.status_code == 302
    letter = RegisteredLetter.objects.get(case=case)
    assert (letter.tracking_number, letter.sent.channel, letter.sent.outcome) == (
        "1A12345678901",
        "letter",
        "sent",
    )

    photo = exif_jpeg()
    response = alice.post(
        reverse("letter-receipt", args=[case.reference]),
        {
            "letter": letter.pk,
            "outcome": "delivered",
            "at": "2026-09-25T11:30",
            "scan": SimpleUploadedFile("IMG_2041.jpg", photo, content_type="image/jpeg"),
        },
    )

    assert response.status_code == 302
    letter.refresh_from_db()
    receipt = letter.receipt
    assert (receipt.channel, receipt.outcome, receipt.source) == ("letter", "delivered", "sealed")
    [filed] = receipt.files.all()
    assert filed.name == "avis-de-reception.jpg"
    with Image.open(io.BytesIO(storage.read(filed.blob.sha256))) as copy:
        assert not copy.getexif()
    upload = Upload.objects.get(filed=filed.blob)
    assert storage.read(upload.original.sha256) == photo  # the original, bit for bit
    assert upload.seal.state == "sealed"
    assert list(Attempt.objects.filter(case=case).values_list("outcome", flat=True)) == [
        "sent",
        "delivered",
    ]
    assert verify_store(tsa.load_roots()).ok


def test_an_avis_that_is_not_an_image_or_pdf_is_refused_and_nothing_recorded(personas, case):
    alice = personas.client_for(personas.alice)
    alice.post(
        reverse("letter-sent", args=[case.reference]),
        {"tracking_number": "1A12345678901", "at": "2026-09-23T10:00"},
    )
    letter = RegisteredLetter.objects.get()
    response = alice.post(
        reverse("letter-receipt", args=[case.reference]),
        {
            "letter": letter.pk,
            "outcome": "refused",
            "at": "2026-09-25T11:30",
            "scan": SimpleUploadedFile("avis.txt", b"hello"),
        },
    )
    assert response.status_code == 400
    assert "type de fichier non accepté" in response.content.decode()
    assert Attempt.objects.filter(case=case).count() == 1
