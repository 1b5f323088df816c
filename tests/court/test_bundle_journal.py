"""A bundle's journal cannot lose its tail unseen (issue 24, item 6).

A forger who cuts the last entries of ``preuves/journal.json`` can rewrite ``SHA256SUMS`` and
``bundle.json`` too (neither is signed): what they cannot rewrite is the anchors file's record of
the head, authenticated by the trusted tokens and by this installation's key.
"""

import hashlib
import json
from pathlib import Path

import pytest

from creneau.court.bundle import build_bundle
from creneau.court.bundlecheck import verify_bundle
from creneau.evidence import journal
from creneau.lib import tsa

from .test_bundle import full_case  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(full_case, tmp_path) -> Path:  # noqa: F811
    journal.anchor_heads()  # a trusted token over the head, as the daily job does
    return build_bundle(full_case, tmp_path / "bundle", date="2026-09-01").folder


def rewrite(folder: Path, name: str, data: bytes | None) -> None:
    """Change or remove a file, then fix SHA256SUMS and bundle.json as a forger would."""
    if data is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(data)
    manifest = json.loads((folder / "bundle.json").read_bytes())
    rows = [row for row in manifest["files"] if row["path"] != name]
    if data is not None:
        rows.append(
            {
                **next(r for r in manifest["files"] if r["path"] == name),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    manifest["files"] = rows
    (folder / "bundle.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    listed = {row["path"]: row["sha256"] for row in rows}
    listed["bundle.json"] = hashlib.sha256((folder / "bundle.json").read_bytes()).hexdigest()
    (folder / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in sorted(listed.items())))


def codes(folder: Path, settings) -> set[str]:
    roots = tsa.load_roots(settings.TSA_CA_FILE)
    return {p.code for p in verify_bundle(folder, roots).problems} - {"timestamp_late"}


def test_a_bundle_carries_its_journal_anchors_and_verifies(folder, settings):
    assert (folder / "preuves" / "ancrages.json").is_file()
    assert codes(folder, settings) == set()


def test_a_journal_cut_short_is_found(folder, settings):
    chain = json.loads((folder / "preuves" / "journal.json").read_bytes())
    rewrite(folder, "preuves/journal.json", json.dumps(chain[:-2], indent=1).encode())

    assert "journal_truncated" in codes(folder, settings)


def test_a_removed_anchors_file_is_found(folder, settings):
    rewrite(folder, "preuves/ancrages.json", None)

    assert "anchors_missing" in codes(folder, settings)


def test_a_lowered_anchor_is_found(folder, settings):
    chain = json.loads((folder / "preuves" / "journal.json").read_bytes())
    anchors = json.loads((folder / "preuves" / "ancrages.json").read_bytes())
    anchors["local"]["sequence"] = len(chain) - 2
    anchors["local"]["entry_hash"] = chain[-3]["entry_hash"]
    rewrite(folder, "preuves/ancrages.json", json.dumps(anchors).encode())
    rewrite(folder, "preuves/journal.json", json.dumps(chain[:-2], indent=1).encode())

    assert {"local_anchor_invalid", "journal_truncated"} & codes(folder, settings)
