"""Checking a screenshot against its case: each warning from a real rendered screenshot.

GIVEN a case (a département, a démarche, a declared time, other attempts' screenshots)
WHEN a screenshot that shows something else is checked
THEN a warning with a stable code and a plain-French message says what, blocking when it must.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from creneau.watch.screenshot import Expectation, KnownImage, check, read_screenshot
from tests.watch.screens import Shot

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 9, 30)


def first_application_93(**overrides) -> Expectation:
    fields = {
        "department": "93",
        "procedure_slug": "titre-sejour-premiere-demande",
        "procedure_kind": "first_application",
        "declared_outcome": "no_slot",
        "today": TODAY,
    }
    return Expectation(**(fields | overrides))


def codes(shot: Shot, expectation: Expectation) -> dict[str, bool]:
    reading = read_screenshot(shot.data, shot.path.name)
    return {w.code: w.blocking for w in check(reading, expectation)}


def known(shot: Shot, label: str) -> KnownImage:
    reading = read_screenshot(shot.data, shot.path.name)
    clock = str(reading.clock) if reading.clock else None
    return KnownImage(reading.sha256, reading.perceptual_hash, clock, label)


@pytest.mark.browser
def test_a_screenshot_that_fits_its_case_has_no_warning(shots):
    at = datetime(2026, 9, 3, 14, 30, tzinfo=PARIS)
    assert codes(shots["phone_no_slot"], first_application_93(declared_at=at)) == {}


@pytest.mark.browser
def test_another_prefecture_and_another_demarche_are_blocking(shots):
    found = codes(shots["phone_other_prefecture"], first_application_93())
    assert found == {"other_prefecture": True, "other_procedure": True}


@pytest.mark.browser
def test_the_bundle_case_of_the_issue_seine_maritime_and_an_old_copyright(shots):
    found = codes(
        shots["phone_seine_maritime_2022"],
        first_application_93(
            department="94", declared_at=datetime(2026, 9, 6, 11, 0, tzinfo=PARIS)
        ),
    )
    assert found == {"other_prefecture": True, "year_mismatch": False}


@pytest.mark.browser
def test_a_remise_page_is_another_demarche_than_a_first_application(shots):
    found = codes(shots["phone_rdvpref_remise"], first_application_93(department="94"))
    assert found == {"other_procedure": True}


@pytest.mark.browser
def test_a_page_without_any_no_slot_statement_is_set_aside(shots):
    assert codes(shots["phone_conditions"], first_application_93()) == {
        "no_unavailability_statement": True
    }
    assert codes(shots["phone_quoted"], first_application_93()) == {
        "no_unavailability_statement": True
    }


@pytest.mark.browser
def test_a_page_with_slots_says_so(shots):
    assert codes(shots["phone_slots"], first_application_93()) == {"slots_visible": True}


@pytest.mark.browser
def test_a_declared_time_far_from_the_image_is_a_mismatch(shots):
    two_hours_later = datetime(2026, 9, 3, 16, 32, tzinfo=PARIS)
    found = check(
        read_screenshot(shots["phone_no_slot"].data, shots["phone_no_slot"].path.name),
        first_application_93(declared_at=two_hours_later),
    )
    assert [(w.code, w.blocking) for w in found] == [("time_mismatch", True)]
    assert "03/09/2026 14:32" in found[0].message and "03/09/2026 16:32" in found[0].message


@pytest.mark.browser
def test_a_declared_day_is_compared_as_a_day(shots):
    noon = datetime(2026, 9, 3, 12, 0, tzinfo=PARIS)
    same_day = first_application_93(declared_at=noon, declared_date_only=True)
    assert codes(shots["phone_no_slot"], same_day) == {}
    other_day = first_application_93(declared_at=noon.replace(day=4), declared_date_only=True)
    assert codes(shots["phone_no_slot"], other_day) == {"time_mismatch": True}


@pytest.mark.browser
def test_without_a_time_in_its_file_the_status_bar_clock_is_compared(shots):
    copy = shots["phone_duplicate"]  # a messaging app's copy: no name, no metadata, 14:32 shown
    later = first_application_93(declared_at=datetime(2026, 9, 5, 18, 0, tzinfo=PARIS))
    assert codes(copy, later)["time_mismatch"] is True
    close = first_application_93(declared_at=datetime(2026, 9, 5, 14, 40, tzinfo=PARIS))
    assert "time_mismatch" not in codes(copy, close)


@pytest.mark.browser
def test_the_same_picture_re_encoded_is_a_duplicate_but_the_same_page_next_day_is_not(shots):
    earlier = (known(shots["phone_no_slot"], "la tentative du 03/09/2026 à 14:32"),)
    expectation = first_application_93(known_images=earlier)
    found = check(
        read_screenshot(shots["phone_duplicate"].data, shots["phone_duplicate"].path.name),
        expectation,
    )
    duplicate = next(w for w in found if w.code == "duplicate_image")
    assert duplicate.blocking and "la tentative du 03/09/2026 à 14:32" in duplicate.message
    assert "duplicate_image" not in codes(shots["phone_next_day"], expectation)
    assert "duplicate_image" not in codes(shots["iphone_exif"], expectation)


@pytest.mark.browser
def test_an_edited_image_with_a_later_year_is_set_aside(shots):
    declared = datetime(2026, 9, 7, 16, 4, tzinfo=PARIS)
    found = codes(shots["phone_edited"], first_application_93(declared_at=declared))
    assert found == {"edited": True, "year_mismatch": True}


@pytest.mark.browser
def test_a_recompressed_copy_is_told_but_not_set_aside(shots):
    found = codes(shots["phone_duplicate"], first_application_93())
    assert found == {"reencoded": False}


@pytest.mark.browser
def test_a_screenshot_dated_in_the_future_is_a_time_mismatch(shots):
    found = codes(shots["phone_no_slot"], first_application_93(today=date(2026, 8, 1)))
    assert found == {"time_mismatch": True}


@pytest.mark.browser
def test_messages_are_translated_for_the_person(shots):
    reading = read_screenshot(
        shots["phone_other_prefecture"].data, shots["phone_other_prefecture"].path.name
    )
    warning = next(
        w for w in check(reading, first_application_93()) if w.code == "other_prefecture"
    )
    assert warning.message.startswith("La capture montre")
    for language, start in (("en", "The screenshot shows"), ("es", "La captura"), ("ar", "تُظهر")):
        with translation.override(language):
            assert warning.message.startswith(start), (language, warning.message)


def test_a_stored_warning_is_shown_in_the_readers_language():
    from creneau.watch.screenshot import message_for

    stored = {"code": "duplicate_image", "key": "duplicate_image", "params": {"other": "x"}}
    assert message_for(stored) == "Cette image est la même que celle de x."
    with translation.override("es"):
        assert message_for(stored) == "Esta imagen es la misma que la de x."
