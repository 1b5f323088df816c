"""The evidence viewer: the sealed screenshot opens from the case page, with its verification
state, the original files and the sealed folder; nothing is rendered as a page of Créneau."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from creneau.evidence.models import Artefact
from tests.conftest import make_case
from tests.court.conftest import screenshot_png, sealed_capture
from tests.s3server import free_port

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 11, 2, 9, 12, tzinfo=datetime.UTC)


@pytest.fixture
def captured(personas, tsa_on):
    case = make_case(personas.group)
    return sealed_capture(case, AT, screenshot_png("Aucun créneau disponible"))


def file_url(attempt, name):
    digest = Artefact.objects.get(seal__capture__attempt=attempt, name=name).blob.sha256
    return reverse("evidence-file", args=[attempt.case.reference, attempt.pk, digest])


def test_the_case_page_opens_the_capture_with_its_stamped_image_and_verification(
    personas, captured
):
    client = personas.client_for(personas.alice)
    case_page = client.get(reverse("case-detail", args=[captured.case.reference])).content
    viewer_url = reverse("evidence-viewer", args=[captured.case.reference, captured.pk])

    viewer = client.get(viewer_url).content.decode()

    assert viewer_url in case_page.decode() and "Voir la capture et sa preuve" in case_page.decode()
    assert f'<img src="{file_url(captured, "screenshot-stamped.png")}"' in viewer
    assert "certifié par" in viewer and "scellée et horodatée" in viewer
    assert "screenshot.png" in viewer and "page.html" in viewer and "intact" in viewer
    image = client.get(file_url(captured, "screenshot-stamped.png"))
    assert image["Content-Type"] == "image/png"
    assert not image["Content-Disposition"].startswith("attachment")
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_the_prefecture_page_is_downloaded_never_rendered_on_the_site(personas, captured):
    response = personas.client_for(personas.alice).get(file_url(captured, "page.html"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_sealed_folder_downloads_as_a_zip_a_judge_can_check(personas, captured):
    capture = captured.captures.get()
    url = reverse("evidence-folder", args=[captured.case.reference, captured.pk, capture.pk])
    response = personas.client_for(personas.alice).get(url)
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert {"manifest.json", "SHA256SUMS", "screenshot-stamped.png", "timestamps/1.tsr"} <= set(
        names
    )
    assert f"capture-{captured.case.reference}-2026-11-02" in response["Content-Disposition"]


def test_an_outsider_and_a_file_of_another_attempt_get_404(personas, captured):
    url = reverse("evidence-viewer", args=[captured.case.reference, captured.pk])
    assert personas.client_for(personas.charlie).get(url).status_code == 404
    assert (
        personas.client_for(personas.charlie).get(file_url(captured, "screenshot.png")).status_code
        == 404
    )
    other = make_case(personas.group, family_name="Autre")
    counter = other.attempts.create(channel="counter", at=AT, outcome="refused")
    digest = Artefact.objects.get(
        seal__capture__attempt=captured, name="screenshot.png"
    ).blob.sha256
    stolen = reverse("evidence-file", args=[other.reference, counter.pk, digest])
    assert personas.client_for(personas.alice).get(stolen).status_code == 404


def test_a_damaged_file_is_said_damaged_and_never_served(personas, captured, settings):
    digest = Artefact.objects.get(
        seal__capture__attempt=captured, name="screenshot.png"
    ).blob.sha256
    stored = Path(settings.EVIDENCE_DIR) / "sha256" / digest[:2] / digest[2:]
    stored.chmod(0o600)
    stored.write_bytes(b"not the sealed bytes")
    client = personas.client_for(personas.alice)

    viewer = client.get(reverse("evidence-viewer", args=[captured.case.reference, captured.pk]))

    assert "endommagé" in viewer.content.decode()
    assert client.get(file_url(captured, "screenshot.png")).status_code == 404


@pytest.mark.s3
def test_a_store_that_does_not_answer_is_said_so_never_called_damaged(
    personas, s3_store, captured, settings
):
    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # the bucket's server is gone
    client = personas.client_for(personas.alice)

    viewer = client.get(reverse("evidence-viewer", args=[captured.case.reference, captured.pk]))

    page = viewer.content.decode()
    assert viewer.status_code == 200
    assert "le stockage des preuves ne répond pas" in page
    assert "endommagé" not in page and ">intact<" not in page
    assert client.get(file_url(captured, "screenshot.png")).status_code == 503
    folder = reverse(
        "evidence-folder", args=[captured.case.reference, captured.pk, captured.captures.get().pk]
    )
    assert client.get(folder).status_code == 503
