"""When the database or the disk fails, pages and commands say the truth in words, and a form's
data is kept so that nothing typed is lost (issue 24, item 9)."""

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from creneau.cases.models import Attempt
from tests.conftest import make_case
from tests.privacy.test_transfer import CASE, write_case

NOTE = "Guichet fermé à 9 h, agent : « revenez demain »"


def hold_the_database() -> sqlite3.Connection:
    """Another process writing for a long time: a real lock on the same database."""
    name = str(connection.settings_dict["NAME"])
    holder = sqlite3.connect(name, uri=name.startswith("file:"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE cases_case SET title = title")
    return holder


def test_a_locked_database_says_the_attempt_was_not_saved_and_keeps_the_form(
    transactional_db, personas, settings
):
    settings.DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 0.2
    case = make_case(personas.group)
    client = Client(raise_request_exception=False)
    client.force_login(personas.alice)
    data = {"channel": "counter", "at": "2026-09-01T09:12", "outcome": "refused", "note": NOTE}

    holder = hold_the_database()
    try:
        response = client.post(reverse("attempt-create", args=[case.reference]), data)
    finally:
        holder.rollback()
        holder.close()

    page = response.content.decode()
    assert response.status_code == 503
    assert "n'a pas été enregistré" in page
    assert "n'est perdu" not in page
    assert 'value="Guichet fermé à 9 h, agent : « revenez demain »"' in page  # kept, to resend
    assert 'name="csrfmiddlewaretoken"' in page
    assert not Attempt.objects.exists()


def test_the_generic_error_page_no_longer_claims_that_nothing_is_lost():
    page = (Path(__file__).parents[2] / "creneau/templates/500.html").read_text()
    assert "n'est perdu" not in page


def creneau(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CRENEAU_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [".venv/bin/creneau", *args], capture_output=True, text=True, env=env, check=False
    )


def test_a_full_disk_is_a_message_not_a_traceback(tmp_path):
    imported = creneau(tmp_path / "data", "case", "import", str(write_case(tmp_path, CASE)))
    assert imported.returncode == 0, imported.stderr

    done = creneau(tmp_path / "data", "backup", "/dev/full")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "plus de place" in done.stderr


def test_an_unreadable_database_is_a_message_not_a_traceback(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "creneau.sqlite3").write_bytes(b"this is not a database" * 100)

    done = creneau(data, "verify", "--store")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "base de données" in done.stderr


@pytest.mark.parametrize("depth", [5000, 900])
def test_a_deeply_nested_case_file_is_refused_with_a_message(tmp_path, depth):
    path = tmp_path / "case.json"
    path.write_text("[" * depth + "]" * depth)

    done = creneau(tmp_path / "data", "case", "import", str(path))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_manifest_is_a_problem_not_a_traceback(tmp_path):
    folder = tmp_path / "capture"
    folder.mkdir()
    (folder / "manifest.json").write_text("[" * 5000 + "]" * 5000)

    done = creneau(tmp_path / "data", "verify", str(folder), "--json")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["ok"] is False
