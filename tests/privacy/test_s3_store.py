"""Erasure, backup and restore when the evidence lives in an S3 bucket (the local S3 server)."""

import json
import os
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from creneau.evidence.models import Blob
from tests.conftest import make_case
from tests.privacy.test_erasure import add_attempt_with_file
from tests.privacy.test_transfer import CASE, write_case
from tests.s3server import configure

pytestmark = pytest.mark.s3


def keys(server, bucket):
    listed = server.client().list_object_versions(Bucket=bucket)
    return [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


@pytest.mark.django_db
def test_erasure_removes_the_objects_of_the_case_from_the_bucket(personas, s3_store, s3_server):
    case = make_case(personas.group)
    add_attempt_with_file(case, b"capture in the bucket")
    assert len(keys(s3_server, s3_store)) == 1

    err = StringIO()
    call_command("case", "erase", case.reference, "--yes", stderr=err)

    assert keys(s3_server, s3_store) == []
    assert "1 fichiers de preuve" in err.getvalue() or "1 fichier" in err.getvalue()


@pytest.mark.django_db
def test_erasure_says_which_copies_a_retention_keeps(personas, s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)
    configure(settings, s3_server, bucket)
    settings.S3_LOCK_MODE, settings.S3_LOCK_DAYS = "COMPLIANCE", 30
    case = make_case(personas.group)
    add_attempt_with_file(case, b"held by the bucket")

    err = StringIO()
    call_command("case", "erase", case.reference, "--yes", stderr=err)

    assert "Copie non supprimée par le stockage" in err.getvalue()
    assert "COMPLIANCE retention until" in err.getvalue()
    assert not Blob.objects.exists()  # the database forgets it; the bucket keeps the bytes
    assert len(keys(s3_server, bucket)) == 1


def creneau(data_dir, environment, *args):
    env = {"CRENEAU_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", **environment}
    env["CRENEAU_ALLOW_LOCAL_URLS"] = os.environ.get("CRENEAU_ALLOW_LOCAL_URLS", "")
    return subprocess.run(
        [".venv/bin/creneau", *map(str, args)], capture_output=True, text=True, env=env
    )


def test_a_backup_of_a_bucket_restores_into_another_bucket_and_verifies(tmp_path, s3_server):
    source_bucket, target_bucket = s3_server.new_bucket(), s3_server.new_bucket()
    source = s3_server.environment(source_bucket)
    imported = creneau(
        tmp_path / "a", source, "case", "import", write_case(tmp_path / "in", CASE), "--json"
    )
    assert imported.returncode == 0, imported.stderr
    archive = tmp_path / "backup.tar.gz"
    done = creneau(tmp_path / "a", source, "backup", archive)
    assert done.returncode == 0, done.stderr

    target = s3_server.environment(target_bucket)
    restored = creneau(tmp_path / "b", target, "restore", archive)

    assert restored.returncode == 0, restored.stderr
    assert sorted(keys(s3_server, target_bucket)) == sorted(keys(s3_server, source_bucket))
    assert not (tmp_path / "b" / "evidence" / "sha256").exists()  # nothing on the local disk
    checked = creneau(tmp_path / "b", target, "verify", "--store", "--json")
    assert json.loads(checked.stdout)["ok"] is True, checked.stdout


def test_verify_refuses_to_answer_when_the_bucket_does_not(tmp_path, s3_server):
    bucket = s3_server.new_bucket()
    environment = s3_server.environment(bucket)
    imported = creneau(
        tmp_path / "a", environment, "case", "import", write_case(tmp_path / "in", CASE)
    )
    assert imported.returncode == 0, imported.stderr
    environment["CRENEAU_S3_BUCKET"] = "no-such-bucket-here"

    checked = creneau(tmp_path / "a", environment, "verify", "--store")

    assert checked.returncode == 1
    assert "injoignable" in checked.stderr and "blob_missing" not in checked.stdout
