"""The journal's tail cannot be cut unseen, and a capture cannot be slipped in backdated.

Issue 24, item 6: a truncated journal tail passed ``verify`` (the chain of what remains is
valid). Every head is now also anchored locally (an authenticated record outside the database,
``journal-heads.jsonl`` beside the evidence store), and ``verify --store`` says which entries are
anchored only that way (no trusted timestamp yet). A capture claiming a time earlier than an
entry before it that a trusted authority already timestamped was backdated.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from creneau.evidence import journal
from creneau.evidence.attempts import record_attempt, record_capture
from creneau.evidence.capture import seal_page
from creneau.evidence.models import JournalEntry
from creneau.evidence.verify import verify_store
from creneau.lib.browser import PageSnapshot
from creneau.lib.tsa import load_roots
from creneau.watch.honesty import read

pytestmark = pytest.mark.usefixtures("transactional_db")
TEXT = "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous."
URL = "https://www.seine-saint-denis.gouv.fr/booking/create/9845"


@pytest.fixture
def new_attempt(case):
    """A journalled manual attempt of ``case`` (counter visit) in September 2026."""

    def make(day: int):
        at = datetime(2026, 9, day, 9, 12, tzinfo=UTC)
        return record_attempt(case, channel="counter", outcome="refused", at=at)

    return make


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def captured(case, started: datetime):
    snap = PageSnapshot(
        requested_url=URL,
        final_url=URL,
        status=200,
        headers=(("content-type", "text/html; charset=utf-8"),),
        html=f"<form id='FormBookingCreate'><p>{TEXT}</p></form>",
        visible_text=TEXT,
        mhtml=b"",
        screenshot=b"",
        dialogs=(),
        started_at=started,
        finished_at=started + timedelta(seconds=5),
        browser_version="",
        user_agent="",
        viewport_width=1366,
    )
    result = seal_page(snap, read(snap), case=case)
    return record_capture(result.capture_id)


def codes(report) -> set[str]:
    return {problem.code for problem in report.problems}


def cut_the_tail(case, keep: int) -> None:
    """What a bad restore or an edit of the database does: the last entries are gone."""
    doomed = list(JournalEntry.objects.filter(case=case, sequence__gt=keep))
    with connection.cursor() as cursor:
        for entry in doomed:
            cursor.execute("DELETE FROM evidence_journalentry WHERE id = %s", [entry.pk])
            if entry.attempt_id:
                cursor.execute("DELETE FROM cases_attempt WHERE id = %s", [entry.attempt_id])


def test_a_truncated_tail_is_found_against_the_local_anchor(case, new_attempt, data_dir):
    for day in (1, 2, 3):
        new_attempt(day)
    assert codes(verify_store(load_roots())) == set()

    cut_the_tail(case, keep=1)

    assert "journal_truncated" in codes(verify_store(load_roots()))


def test_the_entries_anchored_only_locally_are_named(case, new_attempt, data_dir):
    for day in (1, 2, 3):
        new_attempt(day)

    report = verify_store(load_roots())

    assert report.ok
    assert any(case.reference in note and "1 à 3" in note for note in report.local_only)


def test_entries_timestamped_by_an_authority_are_not_called_local_only(
    case, new_attempt, data_dir, tsa_on
):
    new_attempt(1)
    journal.anchor_heads()

    report = verify_store(load_roots())

    assert report.ok and report.local_only == []


def test_an_erased_case_is_not_a_truncated_journal(case, new_attempt, data_dir):
    from creneau.privacy.erasure import erase_case

    new_attempt(1)
    erase_case(case)

    assert codes(verify_store(load_roots())) == set()


def test_a_capture_dated_before_an_anchored_earlier_entry_is_found(
    case, new_attempt, data_dir, tsa_on
):
    new_attempt(1)
    journal.anchor_heads()  # a trusted token over the journal's head, now

    captured(case, datetime.now(UTC) - timedelta(days=30))

    assert "capture_after_anchor" in codes(verify_store(load_roots()))


def test_an_honest_capture_after_an_anchor_verifies(case, new_attempt, data_dir, tsa_on):
    new_attempt(1)
    journal.anchor_heads()

    captured(case, datetime.now(UTC))

    assert codes(verify_store(load_roots())) == set()
