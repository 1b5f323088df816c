"""The command-line contract for screenshots that come in numbers: `case import` reads each image
of an online attempt, `case screenshots` turns a phone's folder into attempts dated by the images.
Real rendered screenshots (``shots``)."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.cases.models import Case
from creneau.catalog.models import Procedure
from creneau.evidence.readings import set_aside_attempts
from tests.conftest import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def case_file(folder: Path, shots, attempts: list[tuple[str, str]]) -> Path:
    (folder / "files").mkdir(parents=True)
    rows = []
    for key, at in attempts:
        name = f"files/{shots[key].path.name}"
        shutil.copy(shots[key].path, folder / name)
        rows.append({"channel": "online", "at": at, "outcome": "no_slot", "files": [name]})
    data = {
        "person": {"family_name": "Diallo", "given_names": "Aminata", "nationality": "malienne"},
        "procedure": {"kind": "first_application", "title": "carte de séjour temporaire"},
        "department": "93",
        "attempts": rows,
    }
    path = folder / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def test_case_import_reads_each_screenshot_and_says_which_shows_another_prefecture(tmp_path, shots):
    path = case_file(
        tmp_path,
        shots,
        [("phone_no_slot", "2026-09-03T14:32:00+02:00"), ("phone_other_prefecture", "2026-09-05")],
    )
    out, err = StringIO(), StringIO()
    call_command("case", "import", str(path), "--json", stdout=out, stderr=err)

    result = json.loads(out.getvalue())
    first, second = result["screenshots"]
    assert (first["attempt"], first["read"], first["set_aside"]) == (0, True, False)
    assert first["taken_at_source"] == "filename" and first["warnings"] == []
    assert second["set_aside"] is True
    assert "other_prefecture" in {w["code"] for w in second["warnings"]}
    assert "time_mismatch" not in {w["code"] for w in second["warnings"]}  # a day was given
    assert "attempts[1] Screenshot_20260905-101500.png : La capture montre" in err.getvalue()
    case = Case.objects.get(reference=result["case"])
    attempts = list(case.attempts.order_by("at").values_list("pk", flat=True))
    assert list(set_aside_attempts(attempts)) == [attempts[1]]


def test_case_screenshots_dates_each_image_by_itself_and_leaves_out_what_it_cannot_date(
    tmp_path, shots, personas
):
    procedure = Procedure.objects.get(slug="titre-sejour-premiere-demande")
    case = make_case(personas.group, procedure_kind="first_application", procedure=procedure)
    folder = tmp_path / "DCIM"
    folder.mkdir()
    for key in ("phone_no_slot", "phone_next_day", "phone_other_prefecture"):
        shutil.copy(shots[key].path, folder / shots[key].path.name)
    (folder / "notes.txt").write_text("pas une image")

    def run() -> dict:
        out = StringIO()
        call_command(
            "case",
            "screenshots",
            case.reference,
            str(folder),
            "--json",
            stdout=out,
            stderr=StringIO(),
        )
        return json.loads(out.getvalue())

    report = run()
    assert (report["recorded"], report["set_aside"], report["skipped"]) == (3, 1, 1)
    recorded = {f["name"]: f for f in report["files"] if f["status"] == "recorded"}
    first = next(f for name, f in recorded.items() if "20260903-143201" in name)
    assert first["attempt_at"] == "2026-09-03T12:32:01+00:00"  # the time the image gives
    assert first["taken_at_source"] == "filename" and first["set_aside"] is False
    assert case.attempts.count() == 3

    again = run()  # the same folder a second time creates nothing
    assert again["recorded"] == 0 and case.attempts.count() == 3


def test_case_screenshots_of_a_path_that_does_not_exist_exits_1(tmp_path, personas):
    case = make_case(personas.group)
    with pytest.raises(CommandError) as failed:
        call_command(
            "case",
            "screenshots",
            case.reference,
            str(tmp_path / "nothing"),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert failed.value.returncode == 1
