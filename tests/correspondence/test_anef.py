"""The ANEF journey's pages: the démarche, blockings, contact centre, PAN, written requests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creneau.cases.models import AnefJourney, Attempt, Case
from creneau.catalog.models import Prefecture
from creneau.correspondence.models import MailDraft
from creneau.evidence.models import JournalEntry
from tests.correspondence.conftest import png
from tests.correspondence.test_mail import RECIPIENT, REPLY

pytestmark = pytest.mark.django_db


@pytest.fixture
def anef_case(case: Case) -> Case:
    case.channel = "anef"
    case.channel_note = "Page de la préfecture lue le 1er septembre 2026."
    case.save()
    return case


def screenshot(name: str = "erreur.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


def test_the_journey_page_says_letters_are_not_a_filing_and_never_asks_for_a_password(
    personas, anef_case
):
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("anef", args=[anef_case.reference])).content.decode()
    assert "ne vaut pas dépôt de la demande" in page and "L. 112-9" in page
    assert "Jamais de mot de passe" in page
    assert 'type="password"' not in page and "mot_de_passe" not in page
    response = alice.post(
        reverse("anef-journey", args=[anef_case.reference]),
        {"demarche": "Renouvellement — vie privée et familiale", "provisional": "none"},
    )
    assert response.status_code == 302
    assert AnefJourney.objects.get(case=anef_case).provisional == "none"


def test_a_blocking_is_refused_without_a_capture_and_sealed_with_its_page_and_message(
    personas, anef_case
):
    alice = personas.client_for(personas.alice)
    url = reverse("anef-blocking", args=[anef_case.reference])
    data = {
        "at": "2026-10-05T09:10",
        "outcome": "error",
        "step": "Justificatifs",
        "message": "Une erreur technique est survenue.",
    }
    assert alice.post(url, data).status_code == 400
    assert not Attempt.objects.filter(case=anef_case, channel="online", outcome="error").exists()

    assert alice.post(url, data | {"screenshot": screenshot()}).status_code == 302
    attempt = Attempt.objects.get(case=anef_case, channel="online", outcome="error")
    assert attempt.source == "sealed" and attempt.files.count() == 1
    assert (attempt.detail.step, attempt.detail.message) == (
        "Justificatifs",
        "Une erreur technique est survenue.",
    )
    assert "Message affiché : « Une erreur technique est survenue. »" in attempt.note
    assert JournalEntry.objects.filter(attempt=attempt).exists()


def test_the_contact_centre_s_certification_needs_the_answer_attached(personas, anef_case):
    alice = personas.client_for(personas.alice)
    url = reverse("ccc-record", args=[anef_case.reference])
    data = {"at": "2026-10-06T10:30", "via": "email", "ticket": "CCC-1", "outcome": "answered"}
    data |= {"answer": "Dépôt en ligne impossible.", "certifies": "on"}
    assert alice.post(url, data).status_code == 400
    reply = SimpleUploadedFile("reponse.eml", REPLY)
    assert alice.post(url, data | {"proof": reply}).status_code == 302
    attempt = Attempt.objects.get(case=anef_case, channel="ccc")
    assert attempt.detail.certifies_impossibility and attempt.detail.ticket == "CCC-1"
    assert "atteste que le dépôt en ligne est impossible" in attempt.note
    page = alice.get(reverse("ccc", args=[anef_case.reference])).content.decode()
    assert "Ticket n° CCC-1" in page and "R. 431-2" in page
    message = alice.get(reverse("ccc-document", args=[anef_case.reference]))
    assert message.content.startswith(b"%PDF-")


def test_a_pan_visit_with_a_witness_gets_its_attestation_model(personas, anef_case):
    alice = personas.client_for(personas.alice)
    site = Prefecture.objects.filter(department=anef_case.department).first()
    response = alice.post(
        reverse("pan-record", args=[anef_case.reference]),
        {
            "at": "2026-10-12T14:00",
            "site": site.pk,
            "outcome": "refused",
            "said": "L'agent n'a pas pu faire aboutir le dépôt.",
            "witnessed": "on",
        },
    )
    assert response.status_code == 302
    visit = Attempt.objects.get(case=anef_case, channel="pan")
    assert visit.detail.witnessed and visit.detail.site == site
    attestation = alice.get(reverse("pan-attestation", args=[anef_case.reference, visit.pk]))
    assert attestation.content.startswith(b"%PDF-")
    page = alice.get(reverse("pan", args=[anef_case.reference])).content.decode()
    assert "Attestation du témoin (PDF)" in page


def test_the_email_sent_for_an_anef_case_asks_for_the_substitute_route(
    personas, anef_case, mail_settings, smtp_server
):
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("mail", args=[anef_case.reference])).content.decode()
    assert "solution de substitution" in page and "ne vaut pas dépôt" in page
    alice.post(reverse("mail-prepare", args=[anef_case.reference]), {"recipient": RECIPIENT})
    draft = MailDraft.objects.get()
    assert draft.subject.startswith("Demande d'enregistrement par la solution de substitution")
    assert "rendez-vous" not in draft.body
    alice.post(reverse("mail-send", args=[anef_case.reference, draft.pk]))
    sent = Attempt.objects.get(case=anef_case, channel="email")
    assert sent.detail.purpose == "substitute"
    assert "Demande d'enregistrement par la solution de substitution." in sent.note
    assert len(smtp_server.messages) == 1


def test_the_case_page_shows_the_route_and_why(personas, anef_case):
    alice = personas.client_for(personas.alice)
    page = alice.get(reverse("case-detail", args=[anef_case.reference])).content.decode()
    assert "Voie de dépôt" in page and "téléservice ANEF (demande en ligne)" in page
    assert "Choisie pour ce dossier : Page de la préfecture lue le 1er septembre 2026." in page
    assert "Ouvrir le parcours ANEF" in page and "Parcours ANEF" in page


def test_no_slot_cannot_be_noted_by_hand_for_a_démarche_lodged_on_anef(personas, anef_case):
    alice = personas.client_for(personas.alice)
    data = {"channel": "online", "at": "2026-10-05T09:10", "outcome": "no_slot", "note": ""}
    response = alice.post(reverse("attempt-create", args=[anef_case.reference]), data)
    assert response.status_code == 400
    assert "il n&#x27;y a pas de créneau à voir" in response.content.decode()
    assert not Attempt.objects.filter(case=anef_case, outcome="no_slot").exists()
