import json
import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creneau.cases.models import Attempt
from creneau.catalog.models import Prefecture
from creneau.correspondence.models import CounterVisit
from creneau.evidence.models import JournalEntry
from creneau.evidence.verify import verify_store
from creneau.lib import tsa
from tests.correspondence.conftest import png

WITNESS = "Jeanne Témoin-Martin"


def pdf_text(data: bytes) -> str:
    """Poppler's reading of the PDF (pypdf skips some of WeasyPrint's text runs)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def record_visit(client, case, **overrides):
    site = Prefecture.objects.filter(department=case.department).first()
    data = {
        "at": "2026-10-03T10:30",
        "site": site.pk,
        "outcome": "refused",
        "said": "L'agent a dit qu'aucun rendez-vous n'est donné au guichet.",
        "witnessed": "on",
        "witness_name": WITNESS,  # not a field of the form: must be dropped, never stored
    }
    return client.post(reverse("counter-record", args=[case.reference]), data | overrides)


def test_a_witnessed_visit_offers_an_attestation_with_the_case_data_and_a_blank_witness(
    personas, case
):
    alice = personas.client_for(personas.alice)
    assert record_visit(alice, case).status_code == 302
    attempt = Attempt.objects.get(case=case, channel="counter")
    assert attempt.outcome == "refused"
    assert "aucun rendez-vous n'est donné au guichet" in attempt.note
    assert CounterVisit.objects.get(attempt=attempt).witnessed

    page = alice.get(reverse("counter", args=[case.reference])).content.decode()
    assert "Attestation du témoin (PDF)" in page
    response = alice.get(reverse("counter-attestation", args=[case.reference, attempt.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DIALLO" in text.upper() and "3 octobre 2026" in text
    assert "aucun rendez-vous n'est donné" not in text  # never the person's words as testimony
    assert "Relation des faits" in text
    assert WITNESS not in text
    stored = [attempt.note, *JournalEntry.objects.values_list("payload", flat=True)]
    assert not any(WITNESS in value for value in stored)


def test_an_unwitnessed_visit_offers_no_attestation(personas, case):
    alice = personas.client_for(personas.alice)
    record_visit(alice, case, witnessed="", outcome="no_answer")
    page = alice.get(reverse("counter", args=[case.reference])).content.decode()
    assert "Attestation du témoin (PDF)" not in page
    assert Attempt.objects.get(case=case).outcome == "no_answer"


def test_the_signed_attestation_joins_the_same_visit_without_editing_it(personas, case):
    alice = personas.client_for(personas.alice)
    record_visit(alice, case)
    attempt = Attempt.objects.get(case=case, channel="counter")
    before = JournalEntry.objects.get(attempt=attempt).payload

    response = alice.post(
        reverse("counter-attestation-upload", args=[case.reference, attempt.pk]),
        {f"visit{attempt.pk}-scan": SimpleUploadedFile("scan.png", png(mode="RGBA"))},
    )

    assert response.status_code == 302
    assert [f.name for f in attempt.files.all()] == ["attestation-temoin.png"]
    entries = list(JournalEntry.objects.filter(case=case).order_by("sequence"))
    assert [e.kind for e in entries] == ["attempt", "attachment"]
    assert entries[0].payload == before
    added = json.loads(entries[1].payload)
    assert added["attempt"] == attempt.pk and added["what"] == "attestation de témoin signée"
    assert Attempt.objects.filter(case=case).count() == 1
    assert verify_store(tsa.load_roots()).ok


def test_a_visit_needs_what_was_said_and_a_site_of_the_case_department(personas, case):
    alice = personas.client_for(personas.alice)
    other = Prefecture.objects.exclude(department=case.department).first()
    response = record_visit(alice, case, said="", site=other.pk)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body
    assert "Sélectionnez un choix valide" in body
    assert not Attempt.objects.exists()
