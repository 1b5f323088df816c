"""The disk refuses a write in the middle of an import: nothing half-written stays behind.

A real ``creneau case import`` runs in a child process whose file-size limit (RLIMIT_FSIZE) is
above the database file but below the attached file, so the evidence store's write fails part
way, exactly as on a full disk or an exhausted quota. (A capture while the TSA is down is
covered by tests/evidence: it waits as ``awaiting_timestamp`` and is sealed later.)
"""

import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRENEAU = Path(sys.executable).parent / "creneau"
BIG = 12 * 1024 * 1024


def run(env: dict[str, str], *args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    def cap_file_size() -> None:  # runs in the child, before exec
        assert limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [str(CRENEAU), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap_file_size if limit else None,
    )


def case_with_a_big_file(folder: Path) -> tuple[Path, str]:
    data = os.urandom(BIG)
    (folder / "pieces").mkdir(parents=True)
    (folder / "pieces" / "releve.pdf").write_bytes(data)
    case = {
        "person": {"family_name": "Diallo"},
        "procedure": {"kind": "renewal"},
        "department": "93",
        "attempts": [
            {"channel": "online", "at": "2026-09-01T09:12:00+02:00", "outcome": "no_slot"},
            {
                "channel": "letter",
                "at": "2026-09-03T10:00:00+02:00",
                "outcome": "sent",
                "files": ["pieces/releve.pdf"],
            },
        ],
    }
    path = folder / "case.json"
    path.write_text(json.dumps(case))
    return path, hashlib.sha256(data).hexdigest()


def rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.skipif(not CRENEAU.exists(), reason="the creneau console script is not installed")
def test_an_import_failing_on_a_full_disk_leaves_no_blob_and_no_rows(tmp_path):
    data_dir = tmp_path / "data"
    env = {**os.environ, "CRENEAU_DATA_DIR": str(data_dir)}
    env.pop("CRENEAU_DATABASE_URL", None)
    organisation = "from creneau.accounts.models import Organisation\nOrganisation.objects.create()"
    ready = run(env, "shell", "-c", organisation)
    assert ready.returncode == 0, ready.stderr
    database = data_dir / "creneau.sqlite3"
    path, digest = case_with_a_big_file(tmp_path / "import")
    limit = database.stat().st_size + 4 * 1024 * 1024  # room for the rows, not for the file

    imported = run(env, "case", "import", str(path), "--json", limit=limit)

    assert imported.returncode == 1, imported.stderr
    assert "Traceback" not in imported.stderr
    assert "rien n'a été importé" in imported.stderr
    store = data_dir / "evidence"
    leftovers = [p.name for p in store.rglob("*") if p.is_file()] if store.exists() else []
    assert not [name for name in leftovers if name.startswith(".incoming-")]
    assert not (store / "sha256" / digest[:2] / digest[2:]).exists()
    for table in ("cases_case", "cases_person", "cases_attempt", "cases_attemptfile"):
        assert rows(database, table) == 0, table
    assert rows(database, "evidence_blob") == 0

    again = run(env, "case", "import", str(path), "--json")  # the disk has room again

    assert again.returncode == 0, again.stderr
    assert rows(database, "cases_case") == 1 and rows(database, "cases_attemptfile") == 1
    assert (store / "sha256" / digest[:2] / digest[2:]).stat().st_size == BIG
