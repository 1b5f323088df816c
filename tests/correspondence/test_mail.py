import io
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from creneau.accounts.models import MailSettings
from creneau.cases.models import Attempt, Case
from creneau.correspondence.captures import captures_pdf
from creneau.correspondence.models import MailDraft, MailSchedule
from creneau.correspondence.sending import archive_unrecorded, due_mail_drafts, prepare_draft
from creneau.evidence import seal
from creneau.evidence.models import JournalEntry, Upload
from creneau.evidence.states import State, evidence_for
from creneau.evidence.verify import verify_store
from creneau.lib import storage, tsa
from tests.conftest import make_case
from tests.correspondence.conftest import add_capture, free_port

RECIPIENT = "pref-etrangers@seine-saint-denis.gouv.fr"


def prepare(client, case: Case, recipient: str = RECIPIENT) -> MailDraft:
    response = client.post(reverse("mail-prepare", args=[case.reference]), {"recipient": recipient})
    assert response.status_code == 302, response.content.decode()[:2000]
    return MailDraft.objects.get(case=case, state="awaiting")


def send(client, draft: MailDraft):
    return client.post(reverse("mail-send", args=[draft.case.reference, draft.pk]))


def test_an_approved_email_arrives_with_the_captures_pdf_and_is_archived_byte_for_byte(
    personas, case, mail_settings, smtp_server, settings
):
    """GIVEN a case with three fruitless sealed captures WHEN Alice prepares and approves the
    e-mail THEN the server receives exactly the archived, sealed bytes, with one captures PDF."""
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    assert smtp_server.messages == []  # prepared, not sent

    response = send(alice, draft)

    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.mail_from == "permanence@cimade-93.example"
    assert received.rcpt_tos == [RECIPIENT]
    draft.refresh_from_db()
    assert received.data == bytes(draft.sent_message)
    attempt = Attempt.objects.get(case=case, channel="email")
    assert (attempt.outcome, attempt.source) == ("sent", "sent")
    assert attempt.recorded_by == personas.alice
    [archived] = attempt.files.all()
    assert archived.name.endswith(".eml")
    assert storage.read(archived.blob.sha256) == received.data
    upload = Upload.objects.get(filed__sha256=archived.blob.sha256)
    assert upload.seal.state == "sealed" and upload.media_type == "message/rfc822"
    assert (draft.state, draft.approved_by, draft.attempt) == ("sent", personas.alice, attempt)
    # Créneau sent it itself and its sealed bytes carry a token that verifies.
    assert evidence_for(attempt).state == State.TIMESTAMPED

    message = message_from_bytes(received.data, policy=default)
    assert message["To"] == RECIPIENT
    assert "aminata.diallo@example.org" in message["Reply-To"]
    assert message["Subject"].endswith("carte de séjour temporaire – Aminata DIALLO")
    assert "DIALLO" in message.get_body(("plain",)).get_content()
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    # Every capture in it carries a verifying token: only then does its name say so.
    captures = PdfReader(io.BytesIO(attachments["captures-horodatees.pdf"]))
    assert len(captures.pages) == 3  # the page that offered slots is not attached
    assert attachments["demande-de-rendez-vous.pdf"].startswith(b"%PDF-")

    assert JournalEntry.objects.filter(case=case, attempt=attempt).exists()
    assert verify_store(tsa.load_roots()).ok
    call_command("verify", "--store", "--ca", settings.TSA_CA_FILE)  # exit 0 or CommandError


def test_nothing_leaves_without_the_explicit_send_post(personas, case, mail_settings, smtp_server):
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    page = alice.get(reverse("mail-draft", args=[case.reference, draft.pk]))
    assert page.status_code == 200
    assert "Envoyer" in page.content.decode()
    assert alice.get(reverse("mail-send", args=[case.reference, draft.pk])).status_code == 405
    assert smtp_server.messages == []
    assert not Attempt.objects.filter(case=case).exists()


def test_a_second_approval_of_the_same_draft_sends_nothing_more(
    personas, case, mail_settings, smtp_server
):
    alice, bob = personas.client_for(personas.alice), personas.client_for(personas.bob)
    draft = prepare(alice, case)
    send(alice, draft)
    response = send(bob, draft)
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    assert Attempt.objects.filter(case=case, channel="email").count() == 1


def test_when_the_smtp_server_is_down_the_volunteer_sees_why_and_nothing_is_recorded_as_sent(
    personas, case, mail_settings
):
    MailSettings.objects.filter(pk=mail_settings.pk).update(port=free_port())  # nobody listens
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)

    response = send(alice, draft)
    page = alice.get(response["Location"])

    text = page.content.decode()
    assert "Courriel non envoyé" in text and "Impossible de joindre le serveur" in text
    assert not Attempt.objects.filter(case=case).exists()
    draft.refresh_from_db()
    assert draft.state == "awaiting" and draft.sent_message is None
    assert "Impossible de joindre" in draft.last_error


def test_without_smtp_settings_the_organisation_is_told_what_to_set(personas, case, smtp_server):
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    page = alice.post(reverse("mail-send", args=[case.reference, draft.pk]), follow=True)
    assert "Aucun serveur d" in page.content.decode()
    assert MailDraft.objects.get(pk=draft.pk).state == "awaiting"
    assert smtp_server.messages == []


def test_the_recipient_is_flagged_unverified_and_must_be_an_address(personas, case):
    alice = personas.client_for(personas.alice)
    response = alice.post(
        reverse("mail-prepare", args=[case.reference]), {"recipient": "pas une adresse"}
    )
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide." in response.content.decode()
    draft = prepare(alice, case, "autre@example.org")
    page = alice.get(reverse("mail-draft", args=[case.reference, draft.pk]))
    assert "adresse non vérifiée" in page.content.decode()


def test_the_attachment_can_be_opened_before_approval(personas, case):
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    response = alice.get(reverse("mail-attachment", args=[case.reference, draft.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3
    missing = reverse("mail-attachment", args=[case.reference, draft.pk, 9])
    assert alice.get(missing).status_code == 404


def test_a_volunteer_of_another_organisation_gets_404_on_every_page(personas, case, mail_settings):
    draft = prepare_draft(case, RECIPIENT, personas.alice)
    charlie = personas.client_for(personas.charlie)
    ref = case.reference
    gets = [
        reverse("mail", args=[ref]),
        reverse("mail-draft", args=[ref, draft.pk]),
        reverse("mail-attachment", args=[ref, draft.pk, 0]),
        reverse("letter", args=[ref]),
        reverse("letter-document", args=[ref, "pdf"]),
        reverse("counter", args=[ref]),
        reverse("ccc", args=[ref]),
        reverse("ddd", args=[ref]),
        reverse("ddd-document", args=[ref]),
    ]
    posts = [
        reverse("mail-prepare", args=[ref]),
        reverse("mail-send", args=[ref, draft.pk]),
        reverse("mail-discard", args=[ref, draft.pk]),
        reverse("mail-schedule", args=[ref]),
        reverse("mail-schedule-stop", args=[ref]),
        reverse("mail-reply", args=[ref]),
        reverse("letter-sent", args=[ref]),
        reverse("letter-receipt", args=[ref]),
        reverse("counter-record", args=[ref]),
        reverse("ccc-record", args=[ref]),
        reverse("ddd-record", args=[ref]),
    ]
    assert [charlie.get(url).status_code for url in gets] == [404] * len(gets)
    assert [charlie.post(url, {}).status_code for url in posts] == [404] * len(posts)
    assert MailDraft.objects.get(pk=draft.pk).state == "awaiting"


def test_a_discarded_draft_can_no_longer_be_sent(personas, case, mail_settings, smtp_server):
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    alice.post(reverse("mail-discard", args=[case.reference, draft.pk]))
    page = send(alice, draft)
    assert page.status_code == 302
    assert smtp_server.messages == []


REPLY = (
    "From: Bureau du séjour <pref-etrangers@seine-saint-denis.gouv.fr>\r\n"
    "To: permanence@cimade-93.example\r\n"
    "Subject: =?utf-8?q?R=C3=A9ponse_automatique?=\r\n"
    "Date: Tue, 15 Sep 2026 10:02:00 +0200\r\n"
    "Message-ID: <abc@seine-saint-denis.gouv.fr>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Les rendez-vous se prennent exclusivement en ligne.\r\n"
).encode()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_reply_is_sealed_and_recorded_as_an_answer_at_its_own_date(personas, case):
    alice = personas.client_for(personas.alice)
    response = alice.post(
        reverse("mail-reply", args=[case.reference]), {"message": upload("reponse.eml", REPLY)}
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get(case=case, channel="email")
    assert (attempt.outcome, attempt.source) == ("answered", "sealed")
    assert attempt.at.isoformat() == "2026-09-15T08:02:00+00:00"
    assert "Réponse automatique" in attempt.note
    assert storage.read(attempt.files.get().blob.sha256) == REPLY


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7 not a mail", "pas un courriel"),
        (b"From: a@b.example\r\nSubject: x\r\n\r\nno date\r\n", "Date"),
    ],
)
def test_a_reply_that_is_not_a_complete_email_is_refused(personas, case, data, error):
    alice = personas.client_for(personas.alice)
    response = alice.post(
        reverse("mail-reply", args=[case.reference]), {"message": upload("x.eml", data)}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_schedule_prepares_drafts_when_due_and_never_sends(
    personas, case, mail_settings, smtp_server
):
    alice = personas.client_for(personas.alice)
    alice.post(
        reverse("mail-schedule", args=[case.reference]),
        {"recipient": RECIPIENT, "interval_days": "7"},
    )
    schedule = MailSchedule.objects.get(case=case)
    now = timezone.now()
    assert due_mail_drafts(now) == []  # not due for a week

    later = schedule.next_due + timedelta(minutes=1)
    [draft] = due_mail_drafts(later)
    assert (draft.state, draft.scheduled, draft.recipient) == ("awaiting", True, RECIPIENT)
    assert due_mail_drafts(later + timedelta(days=8)) == []  # one still awaits approval
    assert smtp_server.messages == []
    schedule.refresh_from_db()
    assert schedule.next_due > later + timedelta(days=8)

    case.status = Case.Status.APPOINTMENT
    case.save()
    assert due_mail_drafts(later + timedelta(days=30)) == []
    assert not MailSchedule.objects.get(case=case).active


def test_a_send_recorded_after_a_crash_is_archived_later(personas, case, mail_settings):
    alice = personas.client_for(personas.alice)
    draft = prepare(alice, case)
    MailDraft.objects.filter(pk=draft.pk).update(
        state="sent", sent_at=timezone.now(), sent_message=bytes(draft.message)
    )
    [attempt] = archive_unrecorded()
    assert (attempt.channel, attempt.outcome) == ("email", "sent")
    assert archive_unrecorded() == []


def test_the_captures_pdf_says_horodatees_only_when_every_token_verifies(
    personas, settings, local_tsa
):
    """GIVEN captures sealed while no authority answered WHEN the e-mail attaches them THEN its
    name does not say « horodatées »; once a token verifies for each, it does."""
    settings.TSA_URLS = []
    case = make_case(personas.group)
    for day in (1, 9):
        add_capture(case, datetime(2026, 9, day, 9, 12, tzinfo=UTC))
    assert captures_pdf(case).name == "captures-d-ecran.pdf"

    settings.TSA_URLS = [local_tsa.url]
    seal.timestamp_pending()
    assert captures_pdf(case).name == "captures-horodatees.pdf"
