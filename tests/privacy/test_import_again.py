"""Importing the same case file again gives back the case already imported, never a duplicate.

Issue 24: a ``case import`` killed after its transaction committed printed nothing; running it
again created a second copy of the case (20,000 attempts twice).
"""

import copy
import json

import pytest
from PIL import Image

from creneau.accounts.models import Organisation
from creneau.cases.models import Attempt, Case
from tests.privacy.test_transfer import CASE, run, write_case

pytestmark = pytest.mark.django_db


def test_the_same_file_imported_twice_gives_the_same_case_once(tmp_path):
    path = write_case(tmp_path, CASE)

    first = json.loads(run("import", str(path), "--json"))
    again = json.loads(run("import", str(path), "--json"))

    assert again["case"] == first["case"]
    assert again["already_imported"] is True and "already_imported" not in first
    assert Case.objects.count() == 1
    assert Attempt.objects.count() == len(CASE["attempts"])


def test_the_same_content_in_another_folder_is_the_same_case(tmp_path):
    first = json.loads(run("import", str(write_case(tmp_path / "a", CASE)), "--json"))
    moved = json.loads(run("import", str(write_case(tmp_path / "b", CASE)), "--json"))

    assert moved["case"] == first["case"]


def test_a_file_that_differs_is_a_new_case(tmp_path):
    run("import", str(write_case(tmp_path / "a", CASE)), "--json")
    changed = copy.deepcopy(CASE)
    changed["attempts"][1]["note"] = "relance"

    run("import", str(write_case(tmp_path / "b", changed)), "--json")

    assert Case.objects.count() == 2


def test_an_attached_file_that_differs_is_a_new_case(tmp_path):
    run("import", str(write_case(tmp_path / "a", CASE)), "--json")
    path = write_case(tmp_path / "b", CASE)
    Image.new("RGB", (120, 80), "black").save(tmp_path / "b" / "captures" / "2026-09-01.png")

    run("import", str(path), "--json")

    assert Case.objects.count() == 2


def test_another_organisation_importing_the_same_file_gets_its_own_case(tmp_path):
    Organisation.objects.create(name="A", slug="a")
    Organisation.objects.create(name="B", slug="b")
    path = write_case(tmp_path, CASE)

    run("import", str(path), "--json", "--org", "a")
    run("import", str(path), "--json", "--org", "b")

    assert Case.objects.count() == 2


def test_the_text_output_says_the_case_was_already_there(tmp_path):
    path = write_case(tmp_path, CASE)
    run("import", str(path))

    assert "déjà importé" in run("import", str(path))
