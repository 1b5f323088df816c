"""``creneau store migrate``: a local evidence store copied to a bucket of the local S3 server."""

import datetime
import hashlib
import io
import json
import os
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creneau.evidence.models import Seal
from creneau.evidence.states import seal_stamps
from creneau.lib import s3store, storage
from tests.conftest import make_case
from tests.court.conftest import screenshot_png, sealed_capture
from tests.s3server import free_port

pytestmark = pytest.mark.s3

BLOBS = [f"capture {n}".encode() for n in range(6)]


def migrate(*args: str) -> dict:
    out = io.StringIO()
    call_command("store", "migrate", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def local_blobs(settings):
    """GIVEN a local store holding six blobs."""
    assert settings.EVIDENCE_STORE == "local"
    return [storage.put(data).sha256 for data in BLOBS]


def bucket_contents(server, bucket):
    client = server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_every_blob_is_copied_and_a_second_run_copies_nothing(local_blobs, s3_store, s3_server):
    first = migrate()

    assert (first["ok"], first["copied"], first["already"]) == (True, 6, 0)
    contents = bucket_contents(s3_server, s3_store)
    assert sorted(contents.values()) == sorted(BLOBS)
    for key, data in contents.items():
        assert key.replace("sha256/", "").replace("/", "") == hashlib.sha256(data).hexdigest()
    second = migrate()
    assert (second["ok"], second["copied"], second["already"]) == (True, 0, 6)


def test_an_interrupted_migration_resumes_where_it_stopped(local_blobs, s3_store, settings):
    bucket = s3store.configured()
    for data in BLOBS[:4]:  # an earlier run stopped after four blobs
        storage.put_into(bucket, data)

    done = migrate()

    assert (done["copied"], done["already"]) == (2, 4)


def test_a_damaged_local_blob_is_reported_and_not_copied(local_blobs, s3_store, settings):
    damaged = storage.path_for(local_blobs[0])
    damaged.chmod(0o600)
    damaged.write_bytes(b"altered")
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("store", "migrate", "--json", stdout=out)

    answer = json.loads(out.getvalue())
    assert failed.value.returncode == 1
    assert answer["damaged"] == [local_blobs[0]] and answer["copied"] == 5
    with pytest.raises(storage.Missing):
        storage.read(local_blobs[0])


def test_a_bucket_that_stops_answering_stops_the_copy_and_says_to_resume(
    local_blobs, s3_store, settings
):
    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(CommandError, match="Relancez la commande") as failed:
        migrate()

    assert failed.value.returncode == 1


def test_migration_needs_a_bucket_as_the_configured_store(local_blobs):
    with pytest.raises(CommandError, match="CRENEAU_EVIDENCE_STORE=s3") as refused:
        migrate()
    assert refused.value.returncode == 2


def test_the_installed_command_migrates_from_a_given_folder(local_blobs, s3_server, evidence_store):

    bucket = s3_server.new_bucket()
    env = {
        **os.environ,
        **s3_server.environment(bucket),
        "CRENEAU_DATA_DIR": str(evidence_store.parent / "other"),
    }
    done = subprocess.run(
        [".venv/bin/creneau", "store", "migrate", "--from", str(evidence_store), "--json"],
        capture_output=True,
        text=True,
        env=env,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["copied"] == 6
    assert len(bucket_contents(s3_server, bucket)) == 6


@pytest.mark.django_db
def test_an_unreachable_bucket_is_never_remembered_as_an_untimestamped_seal(
    personas, tsa_on, s3_store, settings
):
    when = datetime.datetime.now(datetime.UTC)
    sealed_capture(make_case(personas.group), when, screenshot_png("s3"))
    seal = Seal.objects.get()
    endpoint = settings.S3_ENDPOINT_URL
    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # the bucket is away

    assert not seal_stamps(seal)  # not said « horodaté » while the token cannot be read

    settings.S3_ENDPOINT_URL = endpoint
    assert seal_stamps(seal)  # and said again as soon as it can
