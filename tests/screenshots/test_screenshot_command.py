"""``creneau screenshot FILE [--case CASE] [--at …] --json``: the contract for outside checks."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from creneau.cases.models import Attempt, AttemptFile
from creneau.catalog.models import Procedure
from creneau.evidence.seal import blob_row
from creneau.lib import storage
from tests.conftest import make_case

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_KEYS = {"outcome", "text", "taken_at", "taken_at_source", "host", "prefecture", "warnings"}


def run(*args: str) -> dict:
    out = StringIO()
    call_command("screenshot", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.browser
def test_it_prints_the_contract_keys_for_a_screenshot(shots):
    result = run(str(shots["phone_rdvpref_essonne"].path))
    assert result.keys() >= CONTRACT_KEYS
    assert result["outcome"] == "no_slot"
    assert result["taken_at"] == "2026-09-09T19:30:12+02:00"
    assert result["taken_at_source"] == "filename"
    assert result["host"] == "rdv-prefecture.interieur.gouv.fr"
    assert result["prefecture"] == "Préfecture — Essonne"
    assert "Aucun créneau disponible" in result["text"]
    assert result["warnings"] == []


@pytest.mark.browser
def test_the_declared_time_is_the_source_only_when_the_image_gives_none(shots):
    result = run(str(shots["phone_arabic_clock"].path), "--at", "2026-09-14T21:06")
    assert (result["taken_at"], result["taken_at_source"]) == (
        "2026-09-14T21:06:00+02:00",
        "declared",
    )
    result = run(str(shots["phone_no_slot"].path), "--at", "2026-09-03T18:00:00+02:00")
    assert result["taken_at_source"] == "filename"
    assert [w["code"] for w in result["warnings"]] == ["time_mismatch"]


@pytest.mark.browser
@pytest.mark.django_db
def test_with_a_case_it_warns_of_another_prefecture_procedure_and_a_reused_picture(personas, shots):
    case = make_case(
        personas.group,
        procedure_kind="first_application",
        procedure=Procedure.objects.get(slug="titre-sejour-premiere-demande"),
    )
    original = shots["phone_no_slot"].data
    storage.put(original)
    attempt = Attempt.objects.create(
        case=case, channel="online", at="2026-09-03T14:32:00+02:00", outcome="no_slot"
    )
    AttemptFile.objects.create(attempt=attempt, blob=blob_row(original, "image/png"), name="a.png")

    duplicate = run(str(shots["phone_duplicate"].path), "--case", case.reference)
    codes = {w["code"]: w["blocking"] for w in duplicate["warnings"]}
    assert codes == {"duplicate_image": True, "reencoded": False}
    assert "03/09/2026 à 14:32" in duplicate["warnings"][0]["message"]

    next_day = run(str(shots["phone_next_day"].path), "--case", case.reference)
    assert next_day["warnings"] == []

    elsewhere = run(str(shots["phone_other_prefecture"].path), "--case", case.reference)
    assert {w["code"] for w in elsewhere["warnings"]} == {"other_prefecture", "other_procedure"}


def test_a_file_that_is_not_an_image_is_refused_with_exit_1(tmp_path):
    text = tmp_path / "Screenshot_20260903-143201.png"
    text.write_text("pas une image")
    with pytest.raises(CommandError) as refused:
        run(str(text))
    assert refused.value.returncode == 1
    assert "n'est pas une image lisible" in str(refused.value)
    with pytest.raises(CommandError) as missing:
        run(str(tmp_path / "absent.png"))
    assert missing.value.returncode == 1


def test_a_malformed_declared_time_is_a_usage_error(tmp_path):
    with pytest.raises(CommandError) as refused:
        run(str(tmp_path / "x.png"), "--at", "hier soir")
    assert refused.value.returncode == 2


def test_the_installed_command_exits_1_on_a_broken_image(tmp_path):
    broken = tmp_path / "capture.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    done = subprocess.run(
        [sys.executable, "-m", "creneau", "screenshot", str(broken), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"CRENEAU_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 1
    assert "n'est pas une image lisible" in done.stderr
    assert done.stdout == ""


@pytest.mark.browser
@pytest.mark.django_db
def test_one_call_reads_checks_and_stores_a_screenshot_for_a_case(personas, shots):
    from creneau.evidence.readings import latest_reading, set_aside
    from creneau.screenshots.checking import check_for_case

    case = make_case(personas.group, procedure_kind="first_application")
    shot = shots["phone_other_prefecture"]
    storage.put(shot.data)
    blob_row(shot.data, "image/png")
    result = check_for_case(case, shot.data, shot.path.name, record=True)
    assert result.set_aside
    stored = latest_reading(result.reading.sha256, case)
    assert stored == result.stored and set_aside(stored)
    assert {w["code"] for w in stored.warnings} == {"other_prefecture", "other_procedure"}
    assert stored.departments == ["92"] and stored.clock == "10:15"


@pytest.mark.browser
@pytest.mark.django_db
def test_the_same_file_attached_again_to_another_attempt_is_a_duplicate(personas, shots):
    from creneau.screenshots.checking import check_for_case

    case = make_case(personas.group, procedure_kind="first_application")
    shot = shots["phone_no_slot"]
    storage.put(shot.data)
    first = Attempt.objects.create(
        case=case, channel="online", at="2026-09-03T14:32:00+02:00", outcome="no_slot"
    )
    AttemptFile.objects.create(attempt=first, blob=blob_row(shot.data, "image/png"), name="a.png")
    again = check_for_case(case, shot.data, shot.path.name)
    assert [w.code for w in again.warnings] == ["duplicate_image"]
    own = check_for_case(case, shot.data, shot.path.name, attempt_id=first.pk)
    assert own.warnings == []
