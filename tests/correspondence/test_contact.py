import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creneau.cases.models import Attempt
from creneau.catalog.models import Prefecture
from creneau.correspondence.models import MailDraft
from creneau.evidence.models import JournalEntry
from creneau.evidence.verify import verify_store
from creneau.lib import tsa
from tests.correspondence.test_mail import RECIPIENT, REPLY


def record_ccc(client, case, **overrides):
    data = {
        "at": "2026-10-08T16:20",
        "via": "phone",
        "ticket": "ANEF-2026-118822",
        "outcome": "answered",
        "answer": "Le problème est transmis à la DGEF ; aucun délai annoncé.",
    }
    return client.post(reverse("ccc-record", args=[case.reference]), data | overrides)


def record_ddd(client, case, **overrides):
    data = {"at": "2026-10-20T18:00", "via": "online", "reference": "DDD-44718"}
    return client.post(reverse("ddd-record", args=[case.reference]), data | overrides)


def test_the_ccc_page_says_why_it_matters_and_records_the_ticket_and_the_sealed_email(
    personas, case
):
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("ccc", args=[case.reference])).content.decode()
    assert "arrêté du 1er août 2023" in page and "R. 431-2" in page and "à vérifier" in page

    response = record_ccc(alice, case, proof=SimpleUploadedFile("ccc.eml", REPLY))

    assert response.status_code == 302
    attempt = Attempt.objects.get(case=case, channel="ccc")
    assert (attempt.outcome, attempt.source) == ("answered", "sealed")
    assert "Ticket n° ANEF-2026-118822." in attempt.note
    assert "transmis à la DGEF" in attempt.note
    assert [f.name for f in attempt.files.all()] == ["centre-de-contact.eml"]


def test_a_ccc_contact_without_a_file_is_a_manual_record(personas, case):
    alice = personas.client_for(personas.alice)
    record_ccc(alice, case, via="form", ticket="", answer="", outcome="no_answer")
    attempt = Attempt.objects.get(case=case, channel="ccc")
    assert (attempt.outcome, attempt.source) == ("no_answer", "manual")
    assert "formulaire de contact" in attempt.note
    assert (attempt.detail.via, attempt.detail.certifies_impossibility) == ("form", False)


def test_the_ddd_page_warns_that_no_deadline_is_suspended_and_shows_the_text_to_copy(
    personas, case
):
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("ddd", args=[case.reference])).content.decode()
    assert "ne suspend aucun délai devant le tribunal" in page
    assert '<textarea id="ddd-text" rows="14" readonly>' in page
    assert "Défenseur des droits" in page
    pdf = alice.get(reverse("ddd-document", args=[case.reference]))
    assert pdf.content.startswith(b"%PDF-")

    assert record_ddd(alice, case).status_code == 302
    attempt = Attempt.objects.get(case=case, channel="ddd")
    assert attempt.outcome == "sent"
    assert "Dossier n° DDD-44718." in attempt.note


def test_every_channel_enters_the_journal_and_the_timeline_in_order(
    personas, case, mail_settings, smtp_server
):
    """GIVEN one case WHEN an e-mail, a letter, a visit, a CCC call and a DDD complaint are
    recorded THEN the journal chains them in that order, verifies, and the case page lists them."""
    alice = personas.client_for(personas.alice)
    alice.post(reverse("mail-prepare", args=[case.reference]), {"recipient": RECIPIENT})
    alice.post(reverse("mail-send", args=[case.reference, MailDraft.objects.get().pk]))
    alice.post(
        reverse("letter-sent", args=[case.reference]),
        {"tracking_number": "1A12345678901", "at": "2026-09-23T10:00"},
    )
    site = Prefecture.objects.filter(department=case.department).first()
    alice.post(
        reverse("counter-record", args=[case.reference]),
        {"at": "2026-10-03T10:30", "site": site.pk, "outcome": "refused", "said": "Non."},
    )
    record_ccc(alice, case)
    record_ddd(alice, case)

    entries = JournalEntry.objects.filter(case=case).order_by("sequence")
    channels = [json.loads(e.payload)["channel"] for e in entries]
    assert channels == ["email", "letter", "counter", "ccc", "ddd"]
    assert len(smtp_server.messages) == 1
    assert verify_store(tsa.load_roots()).ok
    page = alice.get(reverse("case-detail", args=[case.reference])).content.decode()
    for label in ("e-mail", "lettre recommandée", "guichet", "centre de contact citoyen (ANEF)"):
        assert f"<strong>{label}</strong>" in page
    assert "Écrire à la préfecture" in page
