"""After ``case erase``, the erased data is gone from the database files, WAL included.

SQLite keeps deleted rows' bytes in free pages and in its write-ahead log until they are
overwritten: scanning the files for a note written in the case must find nothing.
"""

import copy
import json
import sqlite3
import subprocess
from pathlib import Path

from tests.privacy.test_transfer import CASE, write_case

MARKER = "ZORGLUB-QUI-NE-DOIT-PAS-RESTER"


def creneau(data: Path, *args: str) -> str:
    env = {"CRENEAU_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [".venv/bin/creneau", *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_erased_case_leaves_nothing_readable_in_the_database_files(tmp_path):
    data = tmp_path / "data"
    case = copy.deepcopy(CASE)
    case["attempts"][1]["note"] = MARKER
    reference = json.loads(
        creneau(data, "case", "import", str(write_case(tmp_path, case)), "--json")
    )["case"]
    files = sorted(data.glob("creneau.sqlite3*"))
    assert any(MARKER.encode() in f.read_bytes() for f in files)  # it was written

    # The running server (web, worker) keeps the database open meanwhile: the WAL is then
    # never folded back and removed by the last connection closing.
    server = sqlite3.connect(data / "creneau.sqlite3")
    try:
        server.execute("SELECT count(*) FROM cases_case").fetchone()
        creneau(data, "case", "erase", reference, "--yes")
        leftovers = [
            f.name
            for f in sorted(data.glob("creneau.sqlite3*"))
            if MARKER.encode() in f.read_bytes()
        ]
    finally:
        server.close()
    assert leftovers == []
