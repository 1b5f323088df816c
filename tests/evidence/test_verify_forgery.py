"""``creneau verify`` against a forger and a bad day (issue 24, item 6).

A forger moved a capture's time back a month, changed its outcome and got a fresh token from a
trusted authority: the token is valid, but it is dated a month after the capture it claims.
Other tampering that used to pass: ``SHA256SUMS`` deleted, a file added in a sub-folder.
The folders are made through the real sealing code and a real local TSA (no browser needed).
"""

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from creneau.evidence import folder as sealed_folder
from creneau.evidence import seal
from creneau.evidence.models import Seal
from creneau.evidence.verify import verify_path
from creneau.lib import tsa
from creneau.lib.tsa import load_roots

pytestmark = pytest.mark.django_db


def make_capture(out: Path, started: datetime, outcome: str = "slots_available") -> Path:
    files = [seal.File("page.html", b"<p>Choisissez un creneau : 9 h 30</p>", "text/html")]
    metadata = {
        "capture_id": "c0ffee",
        "url": "https://www.rdv.93.gouv.fr/booking/create/1",
        "outcome": outcome,
        "started_at": started.astimezone(UTC).isoformat(),
        "finished_at": (started + timedelta(seconds=20)).astimezone(UTC).isoformat(),
    }
    sealed = seal.seal_files("capture", files, metadata)
    row = Seal.objects.get(manifest__sha256=hashlib.sha256(sealed.manifest).hexdigest())
    sealed_folder.write(row, out)
    return out


def forge(path: Path, **changes: object) -> None:
    """Rewrite the manifest, its sums and its token as a forger with a trusted TSA would."""
    manifest = json.loads((path / "manifest.json").read_bytes())
    manifest.update(changes)
    data = seal.canonical_json(manifest)
    (path / "manifest.json").write_bytes(data)
    attempted = tsa.request_tokens(data)
    for token_file in (path / "timestamps").iterdir():
        token_file.unlink()
    (path / "timestamps" / "1.tsr").write_bytes(attempted.tokens[0].response)
    sums = {str(a["name"]): a["sha256"] for a in manifest["artefacts"]}
    sums["manifest.json"] = hashlib.sha256(data).hexdigest()
    (path / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in sorted(sums.items())))


def codes(path: Path) -> set[str]:
    return {problem.code for problem in verify_path(path, load_roots()).problems}


@pytest.fixture
def capture(tsa_on, tmp_path) -> Path:
    return make_capture(tmp_path / "capture", datetime.now(UTC))


def test_an_honest_capture_verifies(capture):
    assert codes(capture) == set()


def test_a_capture_backdated_a_month_with_a_fresh_token_is_caught(capture):
    month_ago = datetime.now(UTC) - timedelta(days=30)
    forge(
        capture,
        outcome="no_slot",
        started_at=month_ago.isoformat(),
        finished_at=(month_ago + timedelta(seconds=20)).isoformat(),
    )

    assert codes(capture) == {"timestamp_late"}


def test_only_the_start_moved_back_is_caught_too(capture):
    forge(capture, started_at=(datetime.now(UTC) - timedelta(days=30)).isoformat())

    assert "timestamp_late" in codes(capture) or "capture_too_long" in codes(capture)


def test_a_deleted_sha256sums_is_named(capture):
    (capture / "SHA256SUMS").unlink()

    assert codes(capture) == {"sums_missing"}


@pytest.mark.parametrize("where", ["timestamps/notes.txt", "extra/readme.txt", "a/b/c.bin"])
def test_an_added_file_in_any_sub_folder_is_named(capture, where):
    target = capture / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("ajout")

    assert codes(capture) == {"unlisted_file"}


def test_a_bundle_like_folder_of_captures_checks_each(tsa_on, tmp_path):
    make_capture(tmp_path / "lot" / "a", datetime.now(UTC))
    shutil.copytree(tmp_path / "lot" / "a", tmp_path / "lot" / "b")
    (tmp_path / "lot" / "b" / "SHA256SUMS").unlink()

    assert codes(tmp_path / "lot") == {"sums_missing"}
