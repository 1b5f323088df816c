"""Tampering with a real capture folder: each change is found and named."""

import shutil

import pytest
from django.db import transaction
from django.test import override_settings

from creneau.evidence.verify import verify_path, verify_store
from creneau.lib import storage
from creneau.lib.tsa import load_roots
from creneau.scheduling.attempts import capture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def made(page_server, local_tsa, tmp_path_factory, django_db_setup, django_db_blocker):
    """Two real capture folders made once for the module; their database rows are undone."""
    base = tmp_path_factory.mktemp("made")
    configured = override_settings(
        EVIDENCE_DIR=base / "store", TSA_URLS=[local_tsa.url], TSA_CA_FILE=str(local_tsa.ca_file)
    )
    with django_db_blocker.unblock(), configured, transaction.atomic():
        capture(f"{page_server}/", out_dir=base / "capture")
        capture(f"{page_server}/alert", out_dir=base / "other")
        transaction.set_rollback(True)
    return base


@pytest.fixture
def folder(made, tsa_on, tmp_path):
    """A fresh copy of the capture folder, free to damage."""
    return shutil.copytree(made / "capture", tmp_path / "capture")


def problems(path):
    return verify_path(path, load_roots()).problems


def flip_one_byte(path, offset=None):
    data = bytearray(path.read_bytes())
    offset = len(data) // 2 if offset is None else offset
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_untouched_capture_folder_verifies(folder):
    assert problems(folder) == []


def test_flipping_one_byte_of_any_artefact_is_named(folder, tmp_path):
    names = [p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".pem"]
    names.remove("manifest.json")
    names.remove("SHA256SUMS")
    assert len(names) == 6
    for name in names:
        copy = shutil.copytree(folder, tmp_path / f"copy-{name}")
        flip_one_byte(copy / name)

        found = [(p.code, p.where) for p in problems(copy)]

        assert found == [("artefact_altered", f"{copy}/{name}")], name


def test_editing_the_manifest_is_named(folder):
    manifest = folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"status":200', b'"status":201'))

    codes = {p.code for p in problems(folder)}

    assert {"timestamp_invalid", "sums_disagree"} <= codes


def test_a_token_from_another_capture_is_refused(folder, made):
    [mine] = (folder / "timestamps").iterdir()
    [theirs] = (made / "other" / "timestamps").iterdir()
    shutil.copy(theirs, mine)

    [problem] = problems(folder)

    assert problem.code == "timestamp_invalid" and "imprint" in problem.message


def test_a_deleted_artefact_and_an_added_file_are_named(folder):
    (folder / "page.mhtml").unlink()
    (folder / "extra.png").write_bytes(b"not sealed")

    codes = sorted(p.code for p in problems(folder))

    assert codes == ["artefact_missing", "unlisted_file"]


def test_a_folder_without_the_right_root_is_not_accepted(folder, tmp_path):
    from creneau.lib.localtsa import LocalTSA

    other = LocalTSA(tmp_path / "other-ca")
    other.start().stop()

    found = verify_path(folder, load_roots(other.ca_file)).problems

    assert [p.code for p in found] == ["timestamp_invalid"]


def test_a_bundle_holding_capture_folders_is_verified_folder_by_folder(folder, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(folder, bundle / "P1")
    shutil.copytree(folder, bundle / "P2")
    flip_one_byte(bundle / "P2" / "page.html")

    report = verify_path(bundle, load_roots())

    assert report.checked == 2
    assert [(p.code, p.where) for p in report.problems] == [
        ("artefact_altered", f"{bundle}/P2/page.html")
    ]


@pytest.mark.django_db
def test_the_store_check_finds_a_damaged_blob(page_server, tsa_on, tmp_path):
    result = capture(f"{page_server}/", out_dir=tmp_path / "capture")
    assert verify_store(load_roots()).ok
    stored = storage.path_for(result.files["page.html"])
    stored.chmod(0o644)
    flip_one_byte(stored)

    codes = {p.code for p in verify_store(load_roots()).problems}

    assert {"blob_altered", "artefact_altered"} <= codes
