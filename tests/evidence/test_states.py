"""The one vocabulary of evidence states, computed against the real local TSA (no mocks)."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Prefetch

from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.evidence import seal
from creneau.evidence.attempts import Incoming, record_attempt
from creneau.evidence.states import (
    State,
    counts,
    evidence_and_captures,
    evidence_for,
    evidence_of,
)
from creneau.lib.localtsa import LocalTSA
from tests.court.conftest import screenshot_png, sealed_capture

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 9, 1, 9, 12, tzinfo=datetime.UTC)


def _declared(case: Case, with_file: bool, source: str = Attempt.Source.MANUAL) -> Attempt:
    files = [Incoming(screenshot_png("vu par la personne"), "capture.png")] if with_file else []
    return record_attempt(
        case, channel="online", outcome="no_slot", at=AT, source=source, files=files
    )


def test_a_capture_whose_token_verifies_is_sealed_and_timestamped(case, tsa_on):
    attempt = sealed_capture(case, AT, screenshot_png("page"))

    evidence = evidence_for(attempt)
    assert evidence.state == State.TIMESTAMPED
    assert evidence.label == "scellée et horodatée"
    assert evidence.witnessed == "capture"
    [stamp] = evidence.stamps
    assert stamp.tsa == "CN=Creneau Local Test TSA"


def test_without_any_authority_a_capture_is_sealed_and_awaiting_a_timestamp(case, settings):
    settings.TSA_URLS = []

    attempt = sealed_capture(case, AT, screenshot_png("page"))

    evidence = evidence_for(attempt)
    assert evidence.state == State.AWAITING_TIMESTAMP
    assert evidence.label == "scellée, horodatage en attente"
    assert evidence.stamps == ()


def test_a_capture_made_while_the_tsa_is_down_becomes_timestamped_when_it_is_back(
    case, unreachable_tsa, settings, local_tsa
):
    """GIVEN a capture sealed while no authority answers
    WHEN the authority is back and the pending seals are retried
    THEN the attempt is timestamped and its case is marked as changed (stale verdict)."""
    attempt = sealed_capture(case, AT, screenshot_png("page"))
    assert evidence_for(attempt).state == State.AWAITING_TIMESTAMP
    before = Case.objects.get(pk=case.pk).updated_at

    settings.TSA_URLS = [local_tsa.url]
    report = seal.timestamp_pending()

    assert report.sealed == 1 and report.still_pending == 0
    assert evidence_for(attempt).state == State.TIMESTAMPED
    assert Case.objects.get(pk=case.pk).updated_at > before


def test_a_token_that_does_not_verify_against_the_roots_is_not_a_timestamp(
    case, tsa_on, settings, tmp_path: Path
):
    attempt = sealed_capture(case, AT, screenshot_png("page"))
    other = LocalTSA(tmp_path / "other")
    other.start().stop()

    settings.TSA_CA_FILE = str(other.ca_file)

    evidence = evidence_for(attempt)
    assert evidence.state == State.AWAITING_TIMESTAMP
    assert evidence.stamps == ()


def test_a_token_never_verifies_without_trusted_roots(case, tsa_on, settings):
    attempt = sealed_capture(case, AT, screenshot_png("page"))

    settings.TSA_CA_FILE = ""

    assert evidence_for(attempt).state == State.AWAITING_TIMESTAMP


def test_a_persons_screenshot_is_declared_with_a_file_even_when_its_upload_is_timestamped(
    case, tsa_on
):
    attempt = _declared(case, with_file=True)

    evidence = evidence_for(attempt)
    assert evidence.state == State.DECLARED_WITH_FILE
    assert evidence.label == "déclarée avec fichier joint"
    assert evidence.witnessed == ""


def test_a_declared_attempt_without_a_file_is_declared_without_proof(case):
    attempt = _declared(case, with_file=False)

    assert evidence_for(attempt).state == State.DECLARED_WITHOUT_FILE
    assert evidence_for(attempt).label == "déclarée sans justificatif"


@pytest.mark.parametrize(
    ("with_file", "expected"),
    [(True, State.DECLARED_WITH_FILE), (False, State.DECLARED_WITHOUT_FILE)],
)
def test_imported_attempts_are_declared_with_or_without_their_file(case, with_file, expected):
    attempt = _declared(case, with_file=with_file, source=Attempt.Source.IMPORTED)

    assert evidence_for(attempt).state == expected


def test_the_states_of_many_attempts_come_in_a_few_queries(
    case, tsa_on, django_assert_max_num_queries: Any
):
    attempts = [sealed_capture(case, AT, screenshot_png(f"page {n}")) for n in range(3)]
    attempts += [_declared(case, with_file=n % 2 == 0) for n in range(6)]

    with django_assert_max_num_queries(7):
        found = evidence_of(attempts)

    assert counts(found.values()) == {
        "timestamped": 3,
        "awaiting_timestamp": 0,
        "declared_with_file": 3,
        "declared_without_file": 3,
    }


def test_attempts_loaded_with_their_files_have_the_evidence_of_their_ids_without_the_file_query(
    case, tsa_on, django_assert_max_num_queries: Any
):
    attempts = [sealed_capture(case, AT, screenshot_png(f"page {n}")) for n in range(2)]
    attempts += [_declared(case, with_file=n % 2 == 0) for n in range(4)]
    sent = record_attempt(case, channel="email", outcome="sent", at=AT, source="sent")
    by_id = evidence_of([attempt.pk for attempt in [*attempts, sent]])
    loaded = list(
        Attempt.objects.filter(case=case).prefetch_related(
            Prefetch("files", queryset=AttemptFile.objects.select_related("blob"))
        )
    )

    with django_assert_max_num_queries(4):  # captures, seals, tokens, sent uploads: no files
        found, captures = evidence_and_captures(loaded)

    assert found == by_id
    assert set(captures) == {attempt.pk for attempt in attempts[:2]}
    assert all(run.error == "" for run in captures.values())


def test_when_no_authority_answers_the_other_pending_seals_wait_for_the_next_run(
    case, unreachable_tsa
):
    for n in range(3):
        sealed_capture(case, AT, screenshot_png(f"page {n}"))

    report = seal.timestamp_pending()

    assert (report.sealed, report.still_pending) == (0, 3)
    assert len(report.failures) == 1  # asked once, not three times
