"""Stored readings of screenshots: write-once rows, overrides as new rows, gone with the case."""

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from creneau.cases.models import Attempt, AttemptFile
from creneau.evidence import readings
from creneau.evidence.models import Blob, ReadingOverride, ScreenshotReading
from creneau.evidence.seal import blob_row
from creneau.lib import storage
from creneau.lib.writeonce import EvidenceImmutableError
from creneau.privacy.erasure import erase_case
from tests.conftest import make_case

VALUES = {
    "outcome": "unknown",
    "statement": "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous.",
    "text": "14:32\nIl n'existe plus de plage horaire libre…",
    "confidence": 92.4,
    "taken_at": datetime(2026, 9, 3, 12, 32, 1, tzinfo=UTC),
    "taken_at_source": "filename",
    "clock": "14:32",
    "host": "seine-saint-denis.gouv.fr",
    "url": "",
    "prefecture": "Préfecture — Seine-Saint-Denis",
    "departments": ["93"],
    "procedure": "Demande de titre de séjour – première demande",
    "perceptual_hash": "7fc0295cc17ea11a",
    "details": {"copyright_years": []},
}
BLOCKING = [{"code": "other_prefecture", "key": "other_prefecture", "params": {}, "blocking": True}]


def stored_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (36, 80), "white").save(buffer, "PNG")
    data = buffer.getvalue()
    storage.put(data)
    return blob_row(data, "image/png").sha256


@pytest.mark.django_db
def test_a_reading_is_stored_from_plain_values_and_never_edited(alice_case):
    sha = stored_png()
    row = readings.record_reading(sha, VALUES, [], "creneau-screenshot/1", case=alice_case)
    assert readings.latest_reading(sha, alice_case) == row
    assert row.clock == "14:32" and row.departments == ["93"]
    row.outcome = "no_slot"
    with pytest.raises(EvidenceImmutableError):
        row.save()


@pytest.mark.django_db
def test_an_unknown_file_cannot_be_read_into_the_store():
    with pytest.raises(readings.ReadingError):
        readings.record_reading("0" * 64, VALUES, [], "creneau-screenshot/1")


@pytest.mark.django_db
def test_a_blocking_warning_sets_aside_until_a_volunteer_overrides_with_a_note(
    personas, alice_case
):
    row = readings.record_reading(
        stored_png(), VALUES, BLOCKING, "creneau-screenshot/1", case=alice_case
    )
    assert readings.set_aside(row)
    with pytest.raises(readings.ReadingError):
        readings.record_override(row, "  ", personas.alice)
    override = readings.record_override(row, "Le site affiche un vieux ©.", personas.alice)
    assert (override.by_name, override.note) == ("alice", "Le site affiche un vieux ©.")
    assert not readings.set_aside(row)
    assert ScreenshotReading.objects.get(pk=row.pk).warnings == BLOCKING  # the reading is intact


@pytest.mark.django_db
def test_readings_and_overrides_go_when_the_case_is_erased(personas):
    case = make_case(personas.group)
    sha = stored_png()
    attempt = Attempt.objects.create(
        case=case, channel="online", at="2026-09-03T14:32:00+02:00", outcome="no_slot"
    )
    AttemptFile.objects.create(attempt=attempt, blob=Blob.objects.get(sha256=sha), name="a.png")
    row = readings.record_reading(sha, VALUES, BLOCKING, "creneau-screenshot/1", case=case)
    readings.record_override(row, "vu", personas.alice)
    erase_case(case)
    assert not ScreenshotReading.objects.exists()
    assert not ReadingOverride.objects.exists()
    assert not storage.check(sha)


@pytest.mark.django_db
def test_known_images_are_the_latest_reading_of_each_file_per_attempt(alice_case):
    sha = stored_png()
    attempt = Attempt.objects.create(
        case=alice_case, channel="online", at="2026-09-03T14:32:00+02:00", outcome="no_slot"
    )
    readings.record_reading(sha, VALUES, [], "creneau-screenshot/1", attempt=attempt)
    newer = VALUES | {"clock": "14:33"}
    readings.record_reading(sha, newer, [], "creneau-screenshot/2", attempt=attempt)
    readings.record_reading(sha, VALUES, [], "creneau-screenshot/1", case=alice_case)  # no attempt
    (known,) = readings.known_images(alice_case)
    assert known["sha256"] == known["file_sha256"] == sha  # stored as it came: its own copy
    assert (known["attempt_id"], known["clock"]) == (attempt.pk, "14:33")
    assert readings.known_images(alice_case, exclude_attempt=attempt.pk) == []


@pytest.mark.django_db
def test_an_attempt_is_set_aside_by_its_latest_reading_until_overridden(personas, alice_case):
    sha = stored_png()
    attempt = Attempt.objects.create(
        case=alice_case, channel="online", at="2026-09-03T14:32:00+02:00", outcome="no_slot"
    )
    row = readings.record_reading(sha, VALUES, BLOCKING, "creneau-screenshot/1", attempt=attempt)
    assert row.case == alice_case
    assert readings.set_aside_attempts([attempt.pk]) == {attempt.pk: ["other_prefecture"]}
    readings.record_override(row, "La préfecture a changé de nom.", personas.alice)
    assert readings.set_aside_attempts([attempt.pk]) == {}
    (checked,) = readings.attempt_readings([attempt.pk])[attempt.pk]
    assert checked.overridden and checked.override.note == "La préfecture a changé de nom."
