import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from creneau.evidence import folder, seal
from creneau.evidence.models import Capture, Seal
from creneau.evidence.verify import verify_path, verify_store
from creneau.lib import storage
from creneau.lib.tsa import load_roots
from creneau.lib.writeonce import EvidenceImmutableError
from creneau.scheduling.attempts import capture

pytestmark = pytest.mark.django_db

FILES = [
    seal.File("a.txt", b"premier fichier", "text/plain"),
    seal.File("b.json", b"[]", "application/json"),
]


def test_the_manifest_is_canonical_json():
    manifest = seal.build_manifest("upload", FILES, {"zeta": "é", "alpha": 1})

    assert manifest.startswith(b'{"alpha":1,"artefacts":[{"media_type":"text/plain","name":"a.txt"')
    assert "é".encode() in manifest and b" " not in manifest.replace(b"text/plain", b"")
    assert seal.canonical_json(json.loads(manifest)) == manifest


def test_it_refuses_two_artefacts_with_the_same_name():
    with pytest.raises(ValueError, match="unique"):
        seal.build_manifest("upload", [FILES[0], FILES[0]], {})


def test_a_seal_is_sealed_only_with_a_token(tsa_on):
    sealed = seal.seal_files("upload", FILES, {})

    row = Seal.objects.get(pk=sealed.seal.pk)
    assert row.state == Seal.State.SEALED and row.sealed_at is not None
    assert row.tokens.count() == 1
    assert storage.read(row.manifest.sha256) == sealed.manifest


def test_without_an_authority_the_seal_waits_and_says_so(unreachable_tsa):
    sealed = seal.seal_files("upload", FILES, {})

    row = Seal.objects.get(pk=sealed.seal.pk)
    assert row.state == Seal.State.AWAITING_TIMESTAMP and row.sealed_at is None
    assert verify_store(load_roots()).pending


def test_evidence_rows_cannot_be_edited_in_place(tsa_on):
    sealed = seal.seal_files("upload", FILES, {})
    row = Seal.objects.get(pk=sealed.seal.pk)

    row.kind = "capture"
    with pytest.raises(EvidenceImmutableError):
        row.save()
    with pytest.raises(EvidenceImmutableError):
        row.save(update_fields=["kind"])


@pytest.mark.browser
def test_a_capture_made_while_the_tsa_is_down_is_sealed_later(
    page_server, unreachable_tsa, local_tsa, settings, tmp_path
):
    """GIVEN a capture made while no authority answers
    WHEN seal_pending runs with the authority back
    THEN the capture is sealed and both its folder and the store verify."""
    result = capture(f"{page_server}/", out_dir=tmp_path / "before")
    assert result.state == "awaiting_timestamp"
    problems = verify_path(tmp_path / "before", load_roots()).problems
    assert [p.code for p in problems] == ["no_timestamp"]

    settings.TSA_URLS = [local_tsa.url]
    call_command("seal_pending", "--json")

    row = Capture.objects.get(pk=result.capture_id)
    assert row.seal.state == Seal.State.SEALED and row.seal.tokens.count() == 1
    folder.write(row.seal, tmp_path / "after")
    assert verify_path(tmp_path / "after", load_roots()).ok
    assert verify_store(load_roots()).ok


def test_seal_pending_leaves_seals_waiting_while_no_authority_answers(unreachable_tsa):
    seal.seal_files("upload", FILES, {})

    report = seal.timestamp_pending()

    assert (report.sealed, report.still_pending) == (0, 1)
    assert Seal.objects.get().state == Seal.State.AWAITING_TIMESTAMP


def test_a_token_dated_before_the_capture_began_is_named(tsa_on, tmp_path):
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    sealed = seal.seal_files("capture", FILES, {"started_at": later})

    folder.write(Seal.objects.get(pk=sealed.seal.pk), tmp_path / "f")
    found = verify_path(tmp_path / "f", load_roots()).problems

    assert [p.code for p in found] == ["timestamp_before_capture"]
