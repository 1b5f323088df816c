import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.accounts.models import AuditEvent
from creneau.cases.models import Attempt, Case, Person
from creneau.evidence.attempts import Filed, record_attempt
from creneau.evidence.models import Blob, JournalEntry
from creneau.lib import storage
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def add_attempt_with_file(case: Case, data: bytes) -> Attempt:
    stored = storage.put(data)
    blob, _ = Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
    return record_attempt(
        case,
        channel="online",
        at=datetime.datetime(2026, 9, 1, 7, 0, tzinfo=datetime.UTC),
        outcome="no_slot",
        files=[Filed(blob, "capture.png")],
    )


def test_erasure_needs_confirmation_and_warns_about_court_evidence(personas, alice_case):
    with pytest.raises(CommandError, match="peuvent encore être nécessaires") as raised:
        call_command("case", "erase", alice_case.reference)
    assert raised.value.returncode == 1
    assert Case.objects.filter(pk=alice_case.pk).exists()


def test_erasure_removes_the_person_the_journal_and_unshared_evidence_files(personas):
    erased = make_case(personas.group)
    kept = make_case(personas.group, family_name="Nguyen")
    add_attempt_with_file(erased, b"only in the erased case")
    add_attempt_with_file(erased, b"in both cases")
    add_attempt_with_file(kept, b"in both cases")
    shared_digest = storage.put(b"in both cases").sha256
    only_digest = Blob.objects.get(sha256=storage.put(b"only in the erased case").sha256).sha256

    call_command("case", "erase", erased.reference, "--yes", stderr=StringIO())

    assert not Case.objects.filter(pk=erased.pk).exists()
    assert not Person.objects.filter(pk=erased.person_id).exists()
    assert not JournalEntry.objects.filter(case_id=erased.pk).exists()
    assert not storage.path_for(only_digest).exists()
    assert storage.check(shared_digest)  # still needed by the other case
    assert Blob.objects.filter(sha256=shared_digest).exists()
    assert JournalEntry.objects.filter(case=kept).count() == 1
    event = AuditEvent.objects.get(action="erase")
    assert event.case_reference == erased.reference


def test_purge_erases_only_cases_past_their_retention(personas, settings):
    settings.PURGE_CLOSED_AFTER_DAYS = 90
    settings.PURGE_INACTIVE_AFTER_DAYS = 365
    with time_machine.travel(datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)):
        closed = make_case(personas.group, status=Case.Status.CLOSED)
        gathering = make_case(personas.group, family_name="Benali")
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)):
        out = StringIO()
        call_command("purge", "--dry-run", stdout=out)
        assert closed.reference in out.getvalue()
        assert gathering.reference not in out.getvalue()
        call_command("purge", stdout=StringIO())
    assert not Case.objects.filter(pk=closed.pk).exists()
    assert Case.objects.filter(pk=gathering.pk).exists()


def test_erasure_also_removes_letters_added_documents_and_uploads(personas, settings, tmp_path):
    """GIVEN a case with a registered letter, a sealed upload filed as a court document and a
    built bundle folder WHEN it is erased THEN none of it remains."""
    import io

    from PIL import Image

    from creneau.correspondence.models import RegisteredLetter
    from creneau.evidence.models import CaseDocument, Upload
    from creneau.evidence.uploads import seal_upload

    settings.DATA_DIR = tmp_path
    settings.TSA_URLS = []  # no authority: the upload waits for a timestamp, still erasable
    case = make_case(personas.group)
    sent = add_attempt_with_file(case, b"letter scan")
    RegisteredLetter.objects.create(case=case, tracking_number="1A12345678901", sent=sent)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    seal_upload(picture.getvalue(), "titre.png", case=case)
    upload = Upload.objects.get(case=case)
    original_digest = upload.original.sha256
    CaseDocument.objects.create(case=case, kind="identity", label="Passeport", upload=upload)
    bundle = tmp_path / "bundles" / case.reference / "1"
    bundle.mkdir(parents=True)
    (bundle / "00_Requete.pdf").write_bytes(b"%PDF")

    call_command("case", "erase", case.reference, "--yes", stderr=StringIO())

    assert not Upload.objects.exists() and not CaseDocument.objects.exists()
    assert not RegisteredLetter.objects.exists()
    assert not (tmp_path / "bundles" / case.reference).exists()
    assert not storage.path_for(original_digest).exists()
