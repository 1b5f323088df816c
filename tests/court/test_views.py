import datetime
import html
import io
import re
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from creneau.cases.models import Case, CourtEvent
from creneau.court.models import BundleBuild
from creneau.evidence.models import CaseDocument

from .conftest import screenshot_png

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db
def test_an_outsider_gets_a_404_everywhere(personas, imported_case):
    client = personas.client_for(personas.charlie)
    ref = imported_case.reference
    build = BundleBuild.objects.create(case=imported_case)
    for url in (
        reverse("court-page", args=[ref]),
        reverse("court-calendar", args=[ref]),
        reverse("court-bundle-status", args=[ref, build.pk]),
        reverse("court-bundle-zip", args=[ref, build.pk]),
        reverse("court-execution", args=[ref, "pdf"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("court-bundle-start", args=[ref])).status_code == 404
    assert client.post(reverse("court-event-create", args=[ref]), {}).status_code == 404
    assert BundleBuild.objects.count() == 1


@pytest.mark.django_db
def test_the_case_page_links_to_the_court_page(personas, imported_case):
    client = personas.client_for(personas.alice)
    page = client.get(reverse("case-detail", args=[imported_case.reference]))
    assert reverse("court-page", args=[imported_case.reference]) in page.content.decode()


@pytest.mark.django_db
def test_a_volunteer_records_an_injunction_and_downloads_the_calendar(personas, imported_case):
    client = personas.client_for(personas.alice)
    ref = imported_case.reference
    answer = client.post(
        reverse("court-event-create", args=[ref]),
        {
            "kind": "injunction",
            "occurred_on": "2026-09-09",
            "notified_on": "2026-09-10",
            "court_number": "2612345",
            "deadline_days": "8",
            "astreinte": "100",
        },
    )
    assert answer.status_code == 302
    assert Case.objects.get(pk=imported_case.pk).status == Case.Status.INJUNCTION
    calendar = client.get(reverse("court-calendar", args=[ref]))
    assert calendar["Content-Type"].startswith("text/calendar")
    assert b"DTSTART;VALUE=DATE:20260918" in calendar.content
    page = client.get(reverse("court-page", args=[ref])).content.decode()
    assert "2612345" in page


@pytest.mark.django_db
def test_an_injunction_without_its_number_is_refused(personas, imported_case):
    client = personas.client_for(personas.alice)
    answer = client.post(
        reverse("court-event-create", args=[imported_case.reference]),
        {"kind": "injunction", "occurred_on": "2026-09-09", "deadline_days": "8"},
    )
    assert answer.status_code == 200
    assert CourtEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_execution_request_is_offered_once_the_delay_has_passed(personas, imported_case):
    CourtEvent.objects.create(
        case=imported_case,
        kind="injunction",
        occurred_on=datetime.date(2026, 9, 9),
        notified_on=datetime.date(2026, 9, 10),
        court_number="2612345",
        deadline_days=8,
    )
    client = personas.client_for(personas.alice)
    url = reverse("court-execution", args=[imported_case.reference, "pdf"])
    with time_machine.travel(datetime.datetime(2026, 9, 15, 12, tzinfo=datetime.UTC)):
        assert client.get(url).status_code == 404
    with time_machine.travel(datetime.datetime(2026, 9, 19, 12, tzinfo=datetime.UTC)):
        page = client.get(reverse("court-page", args=[imported_case.reference]))
        assert url in page.content.decode()
        document = client.get(url)
    assert document.status_code == 200
    assert document.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_document_is_sealed_then_the_bundle_builds_and_downloads(personas, imported_case):
    """GIVEN a volunteer adding the passport scan
    WHEN they start the bundle (the task runs at once here)
    THEN the status says done and the ZIP holds the requête and the passport exhibit."""
    client = personas.client_for(personas.alice)
    ref = imported_case.reference
    scan = SimpleUploadedFile("passeport.png", screenshot_png("passeport"), "image/png")
    answer = client.post(
        reverse("court-document-create", args=[ref]),
        {"kind": "identity", "label": "Passeport", "file": scan},
    )
    assert answer.status_code == 302
    (document,) = CaseDocument.objects.filter(case=imported_case)
    assert document.upload.seal is not None
    with override_settings(TASKS=IMMEDIATE):
        answer = client.post(reverse("court-bundle-start", args=[ref]))
    build = BundleBuild.objects.get(case=imported_case)
    assert answer["Location"] == reverse("court-bundle", args=[ref, build.pk])
    status = client.get(reverse("court-bundle-status", args=[ref, build.pk])).json()
    assert status["state"] == "done", status
    assert status["done"] == status["total"] > 3
    page = html.unescape(client.get(answer["Location"]).content.decode())
    assert "court/bundle.js" in page and "<script>" not in page
    # The title, address and booking-rule pages are still placeholders: said on both pages.
    assert "Dossier incomplet" in page and "pièce n° 3 à joindre : Justificatif de domicile" in page
    court = html.unescape(client.get(reverse("court-page", args=[ref])).content.decode())
    assert "Dossier incomplet" in court and "Pièce n° 3 : Justificatif de domicile" in court
    assert re.search(r"terminé — <span class=\"warn\">incomplet : \d+ éléments manquants", court)
    download = client.get(reverse("court-bundle-zip", args=[ref, build.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "depot/00_Requete_refere_mesures_utiles.pdf" in names
    assert "depot/01_Copie_d_une_piece_d_identite_Aminata_DIALLO_Passeport.pdf" in names
    assert "bundle.json" in names and "SHA256SUMS" in names
