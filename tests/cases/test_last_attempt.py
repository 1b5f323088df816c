"""The case keeps the date of its latest attempt (and latest slots), whatever the path in."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from creneau.cases.models import Attempt, Case
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def record(case, days_ago, outcome="no_slot", channel="online"):
    at = timezone.now() - timedelta(days=days_ago)
    Attempt.objects.create(case=case, channel=channel, at=at, outcome=outcome)
    return at


def test_a_new_case_has_no_last_attempt(personas):
    case = make_case(personas.group)
    assert case.last_attempt_at is None
    assert case.last_slots_at is None


def test_the_latest_attempt_wins_even_when_recorded_out_of_order(personas):
    case = make_case(personas.group)
    latest = record(case, 2)
    record(case, 9)  # an older letter typed in later must not move the date back
    record(case, 5, channel="letter", outcome="sent")
    case.refresh_from_db()
    assert case.last_attempt_at == latest
    assert case.last_slots_at is None


def test_slots_have_their_own_date(personas):
    case = make_case(personas.group)
    seen = record(case, 4, "slots_available")
    later = record(case, 1)
    case.refresh_from_db()
    assert case.last_slots_at == seen
    assert case.last_attempt_at == later


def test_an_attempt_moves_only_its_own_case(personas):
    mine, other = make_case(personas.group), make_case(personas.group)
    record(mine, 1)
    other.refresh_from_db()
    assert other.last_attempt_at is None


def test_recompute_matches_the_attempts_after_a_bulk_load(personas):
    case, empty = make_case(personas.group), make_case(personas.group)
    now = timezone.now()
    Attempt.objects.bulk_create(  # skips save(): the dates stay empty until recomputed
        Attempt(case=case, channel="online", at=now - timedelta(days=d), outcome=outcome)
        for d, outcome in [(3, "slots_available"), (1, "no_slot"), (8, "slots_available")]
    )
    assert Case.objects.get(pk=case.pk).last_attempt_at is None
    Case.objects.recompute_last_attempts()
    case.refresh_from_db()
    empty.refresh_from_db()
    assert case.last_attempt_at == now - timedelta(days=1)
    assert case.last_slots_at == now - timedelta(days=3)
    assert empty.last_attempt_at is None


def test_imported_attempts_set_the_date(personas, tmp_path):
    case = make_case(personas.group)
    latest = record(case, 6)
    record(case, 20, "slots_available")
    call_command("case", "export", case.reference, "--out", str(tmp_path), stdout=StringIO())
    out = StringIO()
    call_command(
        "case",
        "import",
        str(tmp_path / "case.json"),
        "--json",
        "--org",
        personas.group.slug,
        stdout=out,
    )
    imported = Case.objects.get(reference=json.loads(out.getvalue())["case"])
    assert imported.pk != case.pk
    assert imported.last_attempt_at == latest
    assert imported.last_slots_at is not None
