"""``case import`` reads only regular files inside the case folder: never through a link.

The attack of issue 24: a case folder whose « files » are links to ``data/secret_key`` and
``/etc/passwd`` imported them, and another member downloaded them in the case's data copy.
"""

import copy
import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from creneau.cases.models import Case
from creneau.evidence.models import Blob
from tests.privacy.test_transfer import CASE, run, write_case

pytestmark = pytest.mark.django_db
SECRET = b"the-secret-key-of-this-server\n"


def case_naming(folder: Path, name: str) -> Path:
    data = copy.deepcopy(CASE)
    data["attempts"][0]["files"] = [name]
    return write_case(folder, data)


def refused(path: Path) -> str:
    with pytest.raises(CommandError) as raised:
        run("import", str(path), "--json")
    assert raised.value.returncode == 1
    assert not Case.objects.exists()
    return str(raised.value)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    target = tmp_path / "data" / "secret_key"
    target.parent.mkdir()
    target.write_bytes(SECRET)
    return target


def test_a_file_that_is_a_link_to_a_secret_outside_the_folder_is_refused(tmp_path, secret):
    folder = tmp_path / "dossier"
    path = case_naming(folder, "captures/cle.png")
    (folder / "captures" / "cle.png").symlink_to(secret)

    message = refused(path)

    assert "lien" in message
    assert not Blob.objects.exists()


def test_a_link_to_a_system_file_is_refused(tmp_path):
    folder = tmp_path / "dossier"
    path = case_naming(folder, "captures/passwd.png")
    (folder / "captures" / "passwd.png").symlink_to("/etc/passwd")

    assert "lien" in refused(path)


def test_a_folder_that_is_a_link_to_outside_is_refused(tmp_path, secret):
    folder = tmp_path / "dossier"
    path = case_naming(folder, "ailleurs/secret_key")
    (folder / "ailleurs").symlink_to(secret.parent, target_is_directory=True)

    assert "lien" in refused(path)


def test_even_a_link_that_stays_inside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "dossier"
    path = case_naming(folder, "captures/copie.png")
    (folder / "captures" / "copie.png").symlink_to("2026-09-01.png")

    assert "lien" in refused(path)


def test_a_document_that_is_a_link_is_refused_too(tmp_path, secret):
    folder = tmp_path / "dossier"
    data = copy.deepcopy(CASE)
    data["documents"] = [{"kind": "other", "label": "pièce", "file": "docs/piece.pdf"}]
    path = write_case(folder, data)
    (folder / "docs").mkdir()
    (folder / "docs" / "piece.pdf").symlink_to(secret)

    assert "lien" in refused(path)


def test_a_regular_file_still_imports(tmp_path):
    reference = json.loads(run("import", str(write_case(tmp_path, CASE)), "--json"))
    assert Case.objects.filter(reference=reference["case"]).exists()
