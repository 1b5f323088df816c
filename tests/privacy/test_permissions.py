"""Everything under the data folder, and a backup archive, is readable by its owner only.

Issue 24: the database was 644, evidence 444, and the backup archive (which holds both keys)
644: any other account of the machine could read every case.
"""

import json
import stat
import subprocess
from pathlib import Path

from tests.privacy.test_transfer import CASE, write_case

CREDENTIALS = ("secret_key", "field_key")


def creneau(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CRENEAU_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [".venv/bin/creneau", *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def others_can_read(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def test_the_data_folder_and_a_backup_are_private_to_the_owner(tmp_path):
    data = tmp_path / "data"
    reference = json.loads(
        creneau(data, "case", "import", str(write_case(tmp_path / "in", CASE)), "--json").stdout
    )["case"]
    archive = tmp_path / "sauvegarde.tar.gz"
    creneau(data, "backup", str(archive))

    assert reference
    assert not others_can_read(data)
    exposed = [p for p in [data, *data.rglob("*")] if others_can_read(p)]
    assert exposed == []
    blobs = [p for p in (data / "evidence" / "sha256").rglob("*") if p.is_file()]
    assert blobs and all(stat.S_IMODE(p.stat().st_mode) == 0o400 for p in blobs)
    assert all((data / name).exists() for name in CREDENTIALS)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_an_existing_data_folder_left_open_is_closed_on_the_next_command(tmp_path):
    data = tmp_path / "data"
    creneau(data, "case", "import", str(write_case(tmp_path / "in", CASE)), "--json")
    data.chmod(0o755)
    (data / "creneau.sqlite3").chmod(0o644)

    creneau(data, "case", "import", str(write_case(tmp_path / "in2", CASE)), "--json")

    assert not others_can_read(data)
    assert not others_can_read(data / "creneau.sqlite3")
