import json

import pytest
from django.db import IntegrityError, transaction

from creneau.cases.models import AttemptFile
from creneau.evidence import journal, seal
from creneau.evidence.models import JournalAnchor, JournalEntry
from creneau.evidence.verify import verify_journal_file, verify_store
from creneau.lib.tsa import load_roots

pytestmark = pytest.mark.django_db


def codes(report_or_problems):
    problems = getattr(report_or_problems, "problems", report_or_problems)
    return {p.code for p in problems}


def test_entries_chain_each_attempt_to_the_previous_one(case, new_attempt):
    first = journal.append_attempt(new_attempt(1))
    second = journal.append_attempt(new_attempt(2, channel="email", outcome="sent"))

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == journal.GENESIS and second.prev_hash == first.entry_hash
    assert second.entry_hash == journal.entry_hash(first.entry_hash, second.payload)
    payload = json.loads(second.payload)
    assert payload["channel"] == "email" and payload["outcome"] == "sent"
    assert payload["at"] == "2026-09-02T09:12:00+00:00"


def test_appending_the_same_attempt_twice_adds_one_entry(case, new_attempt):
    attempt = new_attempt(1)

    assert journal.append_attempt(attempt) == journal.append_attempt(attempt)
    assert JournalEntry.objects.count() == 1


def test_the_payload_carries_file_digests_and_the_seal_manifest(case, new_attempt, tsa_on):
    from creneau.evidence.uploads import seal_upload

    receipt = (  # a PDF a reader opens (uploads refuse unreadable PDFs)
        b"%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )
    upload = seal_upload(receipt, "ar.pdf", case=case)
    attempt = new_attempt(3, channel="letter", outcome="delivered")
    blob = seal.Blob.objects.get(sha256=upload.filed_sha256)
    AttemptFile.objects.create(attempt=attempt, blob=blob, name="ar.pdf")

    payload = json.loads(journal.append_attempt(attempt).payload)

    assert payload["files"] == [{"name": "ar.pdf", "sha256": upload.filed_sha256}]
    assert payload["manifests"] == [upload.manifest_sha256]


def test_a_clean_journal_verifies(case, new_attempt, tsa_on):
    for day in (1, 2, 3):
        journal.append_attempt(new_attempt(day))
    journal.anchor_heads()

    assert verify_store(load_roots()).ok


def test_deleting_an_entry_is_named(case, new_attempt):
    for day in (1, 2, 3):
        journal.append_attempt(new_attempt(day))
    JournalEntry.objects.filter(case=case, sequence=2).delete()

    found = codes(verify_store([]))
    assert {"journal_gap", "journal_link_broken", "attempt_not_journalled"} <= found


def test_reordering_entries_is_named(case, new_attempt):
    for day in (1, 2, 3):
        journal.append_attempt(new_attempt(day))
    entries = JournalEntry.objects.filter(case=case)
    entries.filter(sequence=2).update(sequence=99)
    entries.filter(sequence=3).update(sequence=2)
    entries.filter(sequence=99).update(sequence=3)

    assert "journal_link_broken" in codes(verify_store([]))


def test_editing_an_entry_or_its_attempt_is_named(case, new_attempt):
    attempt = new_attempt(1)
    entry = journal.append_attempt(attempt)
    JournalEntry.objects.filter(pk=entry.pk).update(payload=entry.payload.replace("no_slot", "x"))
    type(attempt).objects.filter(pk=attempt.pk).update(outcome="slots_available")

    assert {"journal_entry_altered", "attempt_changed"} <= codes(verify_store([]))


def test_an_anchor_times_the_head_and_stops_a_silent_rewrite(case, new_attempt, tsa_on):
    journal.append_attempt(new_attempt(1))
    assert journal.anchor_heads().anchored == 1
    assert journal.anchor_heads().anchored == 0  # the head is already anchored

    anchor = JournalAnchor.objects.get()
    JournalEntry.objects.filter(pk=anchor.entry_id).update(entry_hash="f" * 64)
    assert "anchor_mismatch" in codes(verify_store(load_roots()))


def test_an_exported_journal_verifies_and_a_removed_entry_is_named(case, new_attempt, tmp_path):
    for day in (1, 2, 3):
        journal.append_attempt(new_attempt(day))
    rows = journal.export(case)
    (tmp_path / "journal.json").write_text(json.dumps(rows))
    assert verify_journal_file(tmp_path / "journal.json") == []

    del rows[1]
    (tmp_path / "journal.json").write_text(json.dumps(rows))
    assert codes(verify_journal_file(tmp_path / "journal.json")) == {
        "journal_gap",
        "journal_link_broken",
    }


def test_two_writers_cannot_both_take_the_same_sequence_number(case, new_attempt):
    """The database itself refuses a second entry n° 1: a racing writer retries on the new head
    (the threaded race is exercised on PostgreSQL; SQLite serialises writers anyway)."""
    entry = journal.append_attempt(new_attempt(1))

    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(
            case=case,
            sequence=1,
            kind="attempt",
            payload="{}",
            prev_hash=journal.GENESIS,
            entry_hash=journal.entry_hash(journal.GENESIS, "{}"),
        )
    assert journal.append_attempt(new_attempt(2)).prev_hash == entry.entry_hash
