"""The S3 backend of the evidence store, against a real local S3 server (scripts/s3server.py)."""

import hashlib
import io
import os
import threading
from datetime import UTC, datetime

import pytest

from creneau.lib import s3store, storage
from tests.s3server import S3Server, configure, free_port

pytestmark = pytest.mark.s3


def test_a_blob_is_kept_under_its_digest_and_read_back(s3_store, s3_server):
    stored = storage.put(b"page")
    digest = hashlib.sha256(b"page").hexdigest()
    assert stored == storage.Stored(digest, 4)
    assert storage.read(digest) == b"page" and storage.check(digest)
    key = f"sha256/{digest[:2]}/{digest[2:]}"
    assert s3_server.client().get_object(Bucket=s3_store, Key=key)["Body"].read() == b"page"
    assert list(storage.digests()) == [digest]


def test_storing_the_same_bytes_twice_writes_one_version(s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)  # versioned: every write would show
    configure(settings, s3_server, bucket)
    storage.put(b"twice")
    storage.put(b"twice")
    storage.backend().write(hashlib.sha256(b"twice").hexdigest(), b"twice")  # If-None-Match
    versions = s3_server.client().list_object_versions(Bucket=bucket)["Versions"]
    assert len(versions) == 1


def test_a_blob_of_the_wrong_size_under_a_digest_is_reported_as_damage(s3_store, s3_server):
    digest = hashlib.sha256(b"original").hexdigest()
    key = f"sha256/{digest[:2]}/{digest[2:]}"
    s3_server.client().put_object(Bucket=s3_store, Key=key, Body=b"tampered bytes")
    with pytest.raises(storage.StorageError, match="damaged"):
        storage.put(b"original")
    assert not storage.check(digest)


def test_a_missing_blob_is_missing_and_an_unreachable_store_is_not(s3_store, settings):
    absent = "0" * 64
    with pytest.raises(storage.Missing):
        storage.read(absent)
    assert not storage.check(absent)
    settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(storage.Unavailable):
        storage.read(absent)
    with pytest.raises(storage.Unavailable):
        storage.check(absent)


def test_blobs_are_written_with_the_configured_retention_and_encryption(s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)
    configure(settings, s3_server, bucket)
    settings.S3_LOCK_MODE, settings.S3_LOCK_DAYS, settings.S3_SSE = "GOVERNANCE", 3, "AES256"
    digest = storage.put(b"locked").sha256
    client, key = s3_server.client(), f"sha256/{digest[:2]}/{digest[2:]}"
    head = client.head_object(Bucket=bucket, Key=key)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert (head["ObjectLockRetainUntilDate"] - datetime.now(UTC)).days in {2, 3}
    assert head["ServerSideEncryption"] == "AES256"


def test_erasure_removes_every_version_of_the_object(s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)  # versioned, no retention
    configure(settings, s3_server, bucket)
    digest = storage.put(b"to erase").sha256
    assert storage.erase(digest) is True
    listed = s3_server.client().list_object_versions(Bucket=bucket)
    assert not listed.get("Versions") and not listed.get("DeleteMarkers")
    assert storage.erase(digest) is False
    with pytest.raises(storage.Missing):
        storage.read(digest)


def test_erasure_says_when_a_retention_keeps_the_object(s3_server, settings):
    bucket = s3_server.new_bucket(object_lock=True)
    configure(settings, s3_server, bucket)
    settings.S3_LOCK_MODE, settings.S3_LOCK_DAYS = "COMPLIANCE", 1
    digest = storage.put(b"held").sha256
    with pytest.raises(storage.Retained, match="COMPLIANCE retention until"):
        storage.erase(digest)
    assert storage.read(digest) == b"held"


def test_the_store_describes_its_bucket_and_object_lock(s3_server, settings):
    configure(settings, s3_server, s3_server.new_bucket(object_lock=True))
    locked = storage.describe(probe=True)
    assert (locked.backend, locked.locked) == ("s3", True)
    assert "s3://" in locked.location
    configure(settings, s3_server, s3_server.new_bucket())
    assert storage.describe(probe=True).locked is False
    assert storage.describe(probe=False).locked is None
    settings.S3_BUCKET = "no-such-bucket-here"
    unreachable = storage.describe(probe=True)
    assert unreachable.locked is None and "unreachable" in unreachable.detail


def test_a_prefix_keeps_the_blobs_under_it(s3_store, s3_server, settings):
    settings.S3_PREFIX = "org-a"
    digest = storage.put(b"prefixed").sha256
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_store)["Contents"]]
    assert keys == [f"org-a/sha256/{digest[:2]}/{digest[2:]}"]
    assert list(storage.digests()) == [digest]


def test_objects_survive_a_restart_of_the_local_server(tmp_path, settings):
    server = S3Server(tmp_path / "state").start()
    try:
        configure(settings, server, server.new_bucket())
        digest = storage.put(b"kept across restarts").sha256
        server.restart()
        s3store._stores.clear()  # a new process would have a new client
        assert storage.read(digest) == b"kept across restarts"
    finally:
        server.stop()


def test_prefetched_blobs_are_read_in_parallel_once_and_served_from_memory(s3_store, settings):
    digests = [storage.put(f"page {n}".encode()).sha256 for n in range(20)]
    endpoint = settings.S3_ENDPOINT_URL
    with storage.prefetched([*digests, "f" * 64]):  # one absent: read again on demand, fails
        settings.S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # the bucket goes away
        assert [storage.read(d) for d in digests] == [f"page {n}".encode() for n in range(20)]
        with pytest.raises(storage.Unavailable):
            storage.read("f" * 64)
    settings.S3_ENDPOINT_URL = endpoint
    assert storage.read(digests[0]) == b"page 0"


PART = 5 * 1024 * 1024  # the smallest part S3 accepts


def big_file(tmp_path, size):
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        for _ in range(size // (1024 * 1024)):
            out.write(os.urandom(1024 * 1024))
    return path


def test_a_file_larger_than_a_part_goes_up_in_parts_and_reads_back_whole(
    s3_store, s3_server, tmp_path, monkeypatch
):
    monkeypatch.setattr(s3store, "MULTIPART_BYTES", PART)
    path = big_file(tmp_path, 11 * 1024 * 1024)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as handle:
        stored = storage.put_file(handle)
    assert stored == storage.Stored(digest, path.stat().st_size)
    head = s3_server.client().head_object(Bucket=s3_store, Key=storage.key_for(digest))
    assert head["ETag"].strip('"').endswith("-3")  # three parts: a multipart upload
    with storage.spooled(digest) as back:
        assert hashlib.sha256(back.read()).hexdigest() == digest
    with path.open("rb") as handle:  # stored again: found, not rewritten
        assert storage.put_file(handle) == stored
    assert len(s3_server.client().list_object_versions(Bucket=s3_store)["Versions"]) == 1


class PausedAfterFirstPart(io.FileIO):
    """A file whose upload stops after its first part until the test lets it go on."""

    def __init__(self, path):
        super().__init__(path, "rb")
        self.reads = 0
        self.paused, self.go_on = threading.Event(), threading.Event()

    def read(self, size=-1):
        if size == PART:
            self.reads += 1
            if self.reads == 2:  # part 1 is on its way; part 2 waits
                self.paused.set()
                assert self.go_on.wait(120)
        return super().read(size)


def test_a_restart_of_the_server_during_an_upload_leaves_the_whole_object_or_none(
    tmp_path, settings, monkeypatch
):
    """The S3 server stops (its state saved, as a provider's restart keeps what it
    acknowledged) while a multipart upload is between its parts, and starts again: the upload
    either goes on (boto3's retries) and the object verifies, or fails as « store unavailable »
    and no object, whole or partial, is listed; never a half-written object."""
    monkeypatch.setattr(s3store, "MULTIPART_BYTES", PART)
    path = big_file(tmp_path, 11 * 1024 * 1024)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    handle = PausedAfterFirstPart(path)
    server = S3Server(tmp_path / "state").start()
    try:
        bucket = server.new_bucket(object_lock=True)
        configure(settings, server, bucket)
        outcome: list[object] = []
        writer = threading.Thread(target=lambda: outcome.append(_put_or_error(handle)))
        writer.start()
        assert handle.paused.wait(120)
        server.restart()
        handle.go_on.set()
        writer.join(timeout=300)
        assert outcome, "the upload never ended"
        listed = server.client().list_objects_v2(Bucket=bucket).get("Contents", [])
        if isinstance(outcome[0], storage.Stored):
            assert [o["Key"] for o in listed] == [storage.key_for(digest)]
            assert storage.check(digest)
        else:
            assert isinstance(outcome[0], storage.StorageError) and listed == []
        with path.open("rb") as again:  # once the server answers, the write succeeds
            assert storage.put_file(again).sha256 == digest
        assert storage.check(digest)
        versions = server.client().list_object_versions(Bucket=bucket)["Versions"]
        assert len(versions) == 1  # nothing twice
    finally:
        handle.close()
        server.stop()


def _put_or_error(handle):
    try:
        return storage.put_file(handle)
    except storage.StorageError as error:
        return error
