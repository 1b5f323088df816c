"""The orphan sweep (``creneau store sweep``, and the daily purge): objects of the evidence store
that no row references are removed once older than the grace period, on the local folder and in
an S3 bucket; a young one (perhaps an attempt still recording) is left, and one an Object Lock
retention keeps is listed, never reported as removed."""

import json
import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from creneau.evidence.sweep import sweep_orphans
from creneau.lib import storage
from tests.conftest import make_case
from tests.privacy.test_erasure import add_attempt_with_file
from tests.s3server import configure

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def age(digest: str, hours: float) -> None:
    """Make a local blob look written ``hours`` ago."""
    then = time.time() - hours * 3600
    os.utime(storage.path_for(digest), (then, then))


def sweep_json(*args: str) -> dict:
    out = StringIO()
    call_command("store", "sweep", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_an_old_orphan_goes_a_young_one_and_a_referenced_blob_stay(personas, settings):
    case = make_case(personas.group)
    add_attempt_with_file(case, b"referenced capture")
    referenced = storage.put(b"referenced capture").sha256
    old = storage.put(b"left by a worker killed before its commit").sha256
    young = storage.put(b"written by an attempt still recording").sha256
    age(old, 30)
    age(referenced, 30)
    leftover = storage.path_for(old).parent / ".incoming-abc"
    leftover.write_bytes(b"half a write")
    os.utime(leftover, (time.time() - 30 * 3600,) * 2)

    planned = sweep_json("--dry-run")
    assert planned["removed"] == [old] and planned["young"] == 1
    assert storage.path_for(old).exists() and leftover.exists()  # a dry run removes nothing

    done = sweep_json()
    assert done["ok"] is True and done["removed"] == [old] and done["young"] == 1
    assert done["leftovers"] == 1 and done["kept"] == [] and done["grace_hours"] == 24
    assert not storage.path_for(old).exists() and not leftover.exists()
    assert storage.check(referenced) and storage.check(young)
    assert sweep_json("--grace-hours", "1")["removed"] == []  # young is still under an hour


def test_a_blob_found_again_by_a_writer_is_young_again(personas):
    digest = storage.put(b"an orphan whose bytes come back").sha256
    age(digest, 48)
    storage.put(b"an orphan whose bytes come back")  # a new capture with the same bytes
    assert sweep_orphans(timezone.now(), DAY).removed == []


def test_the_purge_sweeps_orphans_and_says_so_in_json(personas):
    digest = storage.put(b"orphan").sha256
    age(digest, 25)
    out = StringIO()
    call_command("purge", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["ok"] is True and answer["erased"] == []
    assert answer["sweep"]["removed"] == [digest]
    assert not storage.path_for(digest).exists()


@pytest.mark.s3
def test_orphans_in_a_bucket_are_removed_with_every_version(personas, s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)  # versioned
    configure(settings, s3_server, bucket)
    case = make_case(personas.group)
    add_attempt_with_file(case, b"referenced in the bucket")
    orphan = storage.put(b"orphan in the bucket").sha256

    assert sweep_orphans(timezone.now(), DAY).young == 1  # just written: left alone
    done = sweep_orphans(timezone.now() + 2 * DAY, DAY)  # two days later

    assert done.removed == [orphan] and done.ok
    listed = s3_server.client().list_object_versions(Bucket=bucket)
    keys = [v["Key"] for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    assert keys == [storage.key_for(storage.put(b"referenced in the bucket").sha256)]


@pytest.mark.s3
def test_an_orphan_under_retention_is_listed_as_kept_not_removed(personas, s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)
    configure(settings, s3_server, bucket)
    settings.S3_LOCK_MODE, settings.S3_LOCK_DAYS = "COMPLIANCE", 1
    orphan = storage.put(b"orphan under retention").sha256

    done = sweep_orphans(timezone.now() + 2 * DAY, DAY)

    assert done.removed == [] and done.ok
    assert len(done.kept) == 1 and "COMPLIANCE retention until" in done.kept[0]
    assert storage.read(orphan) == b"orphan under retention"


@pytest.mark.s3
def test_a_sweep_of_a_store_that_does_not_answer_removes_nothing(personas, s3_store, settings):
    from tests.s3server import free_port

    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(CommandError, match="ne répond pas") as raised:
        call_command("store", "sweep", "--json", stdout=StringIO())
    assert raised.value.returncode == 1
