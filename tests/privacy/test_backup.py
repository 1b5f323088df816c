"""Backup and restore through the installed command, each step in its own process."""

import json
import subprocess
import tarfile

import pytest

from tests.privacy.test_transfer import CASE, write_case


def creneau(data_dir, *args):
    env = {"CRENEAU_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [".venv/bin/creneau", *map(str, args)], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """GIVEN a data folder with one imported case WHEN it is backed up THEN an archive exists."""
    tmp_path = tmp_path_factory.mktemp("backup")
    source = tmp_path / "source"
    imported = creneau(source, "case", "import", write_case(tmp_path / "in", CASE), "--json")
    assert imported.returncode == 0, imported.stderr
    archive = tmp_path / "backup.tar.gz"
    done = creneau(source, "backup", archive)
    assert done.returncode == 0, done.stderr
    return json.loads(imported.stdout)["case"], archive


def test_a_restored_backup_verifies_and_opens_every_case(tmp_path, backed_up):
    reference, archive = backed_up
    target = tmp_path / "restored"
    restored = creneau(target, "restore", archive)
    assert restored.returncode == 0, restored.stderr
    exported = creneau(target, "case", "export", reference, "--json")
    assert exported.returncode == 0, exported.stderr
    case = json.loads(exported.stdout)
    assert case["person"]["family_name"] == "Diallo"  # identity fields decrypt with the keys
    assert len(case["attempts"]) == 3


def test_restore_never_writes_over_existing_data(tmp_path, backed_up):
    _, archive = backed_up
    target = tmp_path / "busy"
    creneau(target, "restore", archive)
    again = creneau(target, "restore", archive)
    assert again.returncode == 1
    assert "already holds data" in again.stderr


def test_a_damaged_evidence_file_makes_the_restore_fail(tmp_path, backed_up):
    _, archive = backed_up
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if data is not None and "/evidence/sha256/" in member.name:
                content = bytearray(data.read())
                content[0] ^= 0xFF
                import io

                out.addfile(member, io.BytesIO(bytes(content)))
            else:
                out.addfile(member, data)
    restored = creneau(tmp_path / "bad", "restore", damaged)
    assert restored.returncode == 1


def test_an_archive_with_paths_outside_its_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    (tmp_path / "x").write_text("x")
    with tarfile.open(evil, "w:gz") as out:
        out.add(tmp_path / "x", "../../etc/x")
    restored = creneau(tmp_path / "target", "restore", evil)
    assert restored.returncode == 1
    assert "unexpected entry" in restored.stderr
