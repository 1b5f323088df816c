"""Reading real rendered screenshots: text, outcome, when and where.

GIVEN a booking page rendered by Chromium at phone size under a status bar and an address bar
WHEN the screenshot reader reads the PNG or JPEG file
THEN it tells what a careful person would read, and never a ``no_slot`` the page does not state.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from creneau.watch.screenshot import read_screenshot
from tests.watch.screens import Shot

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


def read(shot: Shot):
    return read_screenshot(shot.data, shot.path.name)


def test_no_screenshot_of_the_set_reads_no_slot_unless_its_page_states_it(shots):
    false_no_slot = [
        key
        for key, shot in shots.items()
        if read(shot).outcome == "no_slot" and shot.page_outcome != "no_slot"
    ]
    assert false_no_slot == []


def test_a_phone_screenshot_of_rdv_prefecture_reads_no_slot_with_its_statement(shots):
    reading = read(shots["phone_rdvpref_essonne"])
    assert reading.outcome == "no_slot"
    assert "Aucun créneau disponible" in reading.statement
    assert reading.host == "rdv-prefecture.interieur.gouv.fr"
    assert reading.prefecture == "Préfecture — Essonne"


def test_a_desktop_screenshot_shows_the_full_address_and_reads_no_slot(shots):
    reading = read(shots["desktop_no_slot"])
    assert reading.outcome == "no_slot"
    assert reading.url == "https://www.seine-saint-denis.gouv.fr/booking/create/9845/2"
    assert str(reading.clock) == "14:32"


def test_a_phone_screenshot_of_the_legacy_module_keeps_its_statement_but_stays_unknown(shots):
    # A phone shows only the host: without the address, text alone does not tell the booking
    # system, so the classifier cannot conclude (it will, once the text-only judge knows more).
    reading = read(shots["phone_no_slot"])
    assert reading.outcome in ("no_slot", "unknown")
    assert reading.statement.startswith("Il n'existe plus de plage horaire libre")


def test_the_status_bar_clock_and_the_file_name_give_the_time(shots):
    reading = read(shots["phone_no_slot"])
    assert str(reading.clock) == "14:32"
    assert reading.taken_at == datetime(2026, 9, 3, 14, 32, 1, tzinfo=PARIS)
    assert reading.taken_at_source == "filename"


def test_exif_date_time_original_comes_before_anything_else(shots):
    reading = read(shots["iphone_exif"])
    assert reading.taken_at_source == "exif"
    assert reading.taken_at == datetime(2026, 9, 10, 12, 5, 33, tzinfo=PARIS)


def test_a_picture_with_no_time_anywhere_has_none_unless_one_is_declared(shots):
    shot = shots["phone_arabic_clock"]  # Arabic-Indic digits: not read, and not guessed
    reading = read(shot)
    assert reading.taken_at is None and reading.taken_at_source is None
    assert reading.clock is None
    declared = datetime(2026, 9, 14, 21, 6, tzinfo=PARIS)
    again = read_screenshot(shot.data, shot.path.name, declared_at=declared)
    assert (again.taken_at, again.taken_at_source) == (declared, "declared")


def test_a_cut_statement_is_not_a_statement(shots):
    reading = read(shots["phone_cut"])
    assert reading.outcome == "unknown"
    assert reading.statement == ""


def test_time_buttons_seen_by_ocr_forbid_a_no_slot_answer(shots):
    reading = read(shots["phone_rdvpref_slots"])
    assert reading.outcome != "no_slot"
    assert reading.slot_like_lines


def test_the_legacy_slot_step_reads_slots_available(shots):
    assert read(shots["phone_slots"]).outcome == "slots_available"


def test_a_quoted_or_hypothetical_sentence_is_no_statement(shots):
    reading = read(shots["phone_quoted"])
    assert reading.outcome != "no_slot"
    assert reading.statement == ""


def test_it_reads_the_prefecture_the_host_and_the_demarche_named(shots):
    reading = read(shots["phone_other_prefecture"])
    assert reading.host == "hauts-de-seine.gouv.fr"
    assert reading.departments == {"92"}
    assert reading.procedure == "Remise d'un titre de séjour"
    assert reading.procedure_families == ("collection",)


def test_it_reads_copyright_years_and_editor_signs(shots):
    reading = read(shots["phone_edited"])
    assert 2027 in reading.copyright_years
    assert {sign.code for sign in reading.edit_signs} >= {"editor_software", "modified_later"}


def test_a_messaging_app_copy_has_the_same_perceptual_hash_and_is_recompressed(shots):
    original, copy = read(shots["phone_no_slot"]), read(shots["phone_duplicate"])
    assert original.sha256 != copy.sha256
    from creneau.watch.screenshot.image import hash_distance

    assert hash_distance(original.perceptual_hash, copy.perceptual_hash) <= 6
    assert [sign.code for sign in copy.edit_signs] == ["recompressed"]
