"""The S3-compatible backend of the evidence store (boto3; the standard S3 API only).

Any provider that speaks S3 works (Scaleway, OVHcloud, Outscale, MinIO, Garage, AWS): nothing
here relies on one provider's extensions.

- Write-once: a blob is written only when absent (``HEAD`` first), with ``If-None-Match: *`` so
  that two hosts racing on the same digest cannot overwrite each other; a provider that does not
  implement conditional writes is asked again without it (same bytes under the same name).
- Integrity on the way in: ``Content-MD5`` (the provider refuses a body damaged in transit).
- Object Lock: with ``CRENEAU_S3_LOCK_MODE`` (GOVERNANCE or COMPLIANCE) and
  ``CRENEAU_S3_LOCK_DAYS``, each blob is written with that retention; a bucket's own default
  retention applies anyway. ``creneau doctor`` says whether the bucket has Object Lock.
- Erasure removes every version of the object (a plain DELETE on a versioned bucket only adds a
  delete marker and keeps the bytes); a version still under retention raises ``Retained``.
- Optional server-side encryption (``CRENEAU_S3_SSE``: AES256 or aws:kms).
"""

import base64
import hashlib
import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from creneau.lib.storage import (
    CHUNK_BYTES,
    PREFIX,
    Description,
    Missing,
    Retained,
    StorageError,
    Unavailable,
    key_for,
)

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
else:
    S3Client = Any

ABSENT = {"404", "NoSuchKey", "NotFound"}
EXISTS = {"412", "PreconditionFailed", "ConditionalRequestConflict"}
UNSUPPORTED = {"501", "NotImplemented"}
LOCK_MISSING = {"ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound"}
# A file larger than this goes up in parts (boto3's managed upload), never whole in memory: at
# most PARTS_IN_MEMORY parts are read ahead, PARTS_AT_ONCE of them sent at once.
MULTIPART_BYTES = 8 * 1024 * 1024
PARTS_IN_MEMORY = 4
PARTS_AT_ONCE = 4
_stores: dict[tuple[str, ...], "S3Store"] = {}
_lock = threading.Lock()


def client(endpoint: str, region: str, key_id: str, secret: str) -> S3Client:
    """A client for this configuration (boto3 clients are thread-safe: keep and share it)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        aws_access_key_id=key_id or None,
        aws_secret_access_key=secret or None,
        config=Config(
            retries={"max_attempts": 6, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            # Only what S3 requires: many compatible providers refuse the newer
            # default checksums. Content-MD5 covers the body on the way in.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def _absent(error: ClientError) -> bool:
    """The object is not there (a missing bucket is a configuration error, not absence)."""
    code = _code(error)
    return code != "NoSuchBucket" and (code in ABSENT or _status(error) == "404")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> str:
    return str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def _failed(what: str, error: Exception) -> Unavailable:
    return Unavailable(f"S3 store: {what} failed ({error})")


class S3Store:
    name = "s3"

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.conditional = True

    def key(self, sha256: str) -> str:
        return self.prefix + key_for(sha256)

    def size(self, sha256: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _absent(error):
                return None
            raise _failed(f"HEAD {sha256}", error) from error
        except BotoCoreError as error:
            raise _failed(f"HEAD {sha256}", error) from error
        return int(head["ContentLength"])

    def write(self, sha256: str, data: bytes) -> None:
        extra = _put_options()
        extra["ContentMD5"] = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324
        try:
            self._put(sha256, data, extra)
        except ClientError as error:
            if _code(error) in EXISTS or _status(error) == "412":
                return  # another host stored the same bytes first
            raise StorageError(f"S3 store: could not store {sha256} ({error})") from error
        except BotoCoreError as error:
            raise _failed(f"PUT {sha256}", error) from error

    def _put(self, sha256: str, data: bytes, extra: dict[str, Any]) -> None:
        key = self.key(sha256)
        if self.conditional:
            try:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*", **extra
                )
                return
            except ClientError as error:
                if _code(error) not in UNSUPPORTED:
                    raise
                self.conditional = False  # this provider has no conditional writes
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def write_file(self, sha256: str, handle: IO[bytes], size: int) -> None:
        """Stream a file into the bucket: small ones as one conditional ``PUT``; larger ones by
        a managed multipart upload (nothing is visible until its last part is in; a failed
        upload is aborted), then read back in chunks and hashed, since no ``Content-MD5``
        covers the whole object."""
        handle.seek(0)
        if size <= MULTIPART_BYTES:
            self.write(sha256, handle.read())
            return
        parts = TransferConfig(
            multipart_threshold=MULTIPART_BYTES,
            multipart_chunksize=MULTIPART_BYTES,
            max_concurrency=PARTS_AT_ONCE,
        )
        parts.max_in_memory_upload_chunks = PARTS_IN_MEMORY  # s3transfer's, not in the init
        try:
            self.client.upload_fileobj(
                handle, self.bucket, self.key(sha256), ExtraArgs=_put_options(), Config=parts
            )
        except (ClientError, BotoCoreError, S3UploadFailedError) as error:
            raise _failed(f"upload {sha256}", error) from error
        if self._hash_of(sha256) != sha256:
            raise StorageError(f"S3 store: {sha256} reads back altered after its upload")

    def _hash_of(self, sha256: str) -> str:
        hasher = _Hasher()
        self.read_into(sha256, hasher)  # type: ignore[arg-type]
        return hasher.hash.hexdigest()

    def read(self, sha256: str) -> bytes:
        held = io.BytesIO()
        self.read_into(sha256, held)
        return held.getvalue()

    def read_into(self, sha256: str, out: IO[bytes]) -> None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
            for chunk in answer["Body"].iter_chunks(CHUNK_BYTES):
                out.write(chunk)
        except ClientError as error:
            if _absent(error):
                raise Missing(f"evidence {sha256} is missing from the store") from error
            raise _failed(f"GET {sha256}", error) from error
        except BotoCoreError as error:
            raise _failed(f"GET {sha256}", error) from error

    def digests(self) -> Iterator[str]:
        return (digest for digest, _ in self.listing())

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every digest present, with when the object was written."""
        start = self.prefix + PREFIX
        pages = self.client.get_paginator("list_objects_v2")
        try:
            for page in pages.paginate(Bucket=self.bucket, Prefix=start):
                for item in page.get("Contents", []):
                    name = item["Key"][len(start) :].replace("/", "")
                    if len(name) == 64:
                        yield name, item["LastModified"]
        except (ClientError, BotoCoreError) as error:
            raise _failed("LIST", error) from error

    def erase(self, sha256: str) -> bool:
        """Delete every version of the object; ``Retained`` if one is under retention."""
        key = self.key(sha256)
        try:
            versions = self._versions(key)
            for version in versions:
                self._delete(key, version)
        except (ClientError, BotoCoreError) as error:
            raise _failed(f"DELETE {sha256}", error) from error
        return bool(versions)

    def _versions(self, key: str) -> list[str | None]:
        """The object's versions (``None``: an unversioned bucket's only copy)."""
        try:
            listed = self.client.list_object_versions(Bucket=self.bucket, Prefix=key)
        except ClientError as error:
            if _code(error) not in UNSUPPORTED:
                raise
            return [None] if self._present(key) else []
        found = [v.get("VersionId") for v in listed.get("Versions", []) if v["Key"] == key]
        found += [m.get("VersionId") for m in listed.get("DeleteMarkers", []) if m["Key"] == key]
        return [None if v in {None, "null"} else v for v in found] or []

    def _present(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _absent(error):
                return False
            raise
        return True

    def _delete(self, key: str, version: str | None) -> None:
        try:
            if version is None:
                self.client.delete_object(Bucket=self.bucket, Key=key)
            else:
                self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version)
        except ClientError as error:
            if _code(error) in {"AccessDenied", "InvalidRequest"} or _status(error) == "403":
                raise Retained(_retention_note(self, key, version)) from error
            raise

    def describe(self, probe: bool) -> Description:
        where = f"s3://{self.bucket}/{self.prefix}"
        if settings.S3_ENDPOINT_URL:
            where += f" ({settings.S3_ENDPOINT_URL})"
        if not probe:
            return Description(self.name, where, None, "")
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            return Description(self.name, where, None, f"bucket unreachable: {error}")
        return Description(self.name, where, *self._lock_state())

    def _lock_state(self) -> tuple[bool, str]:
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as error:
            if _code(error) in LOCK_MISSING | UNSUPPORTED or _status(error) == "404":
                return False, ""
            return False, f"Object Lock unknown: {error}"
        lock = config.get("ObjectLockConfiguration", {})
        if lock.get("ObjectLockEnabled") != "Enabled":
            return False, ""
        rule = lock.get("Rule", {}).get("DefaultRetention", {})
        default = (
            f"{rule.get('Mode')} {rule.get('Days') or rule.get('Years', 0) * 365}"
            if rule
            else "none"
        )
        return True, f"default retention: {default}"


class _Hasher:
    """A write-only file that hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.hash.update(chunk)
        return len(chunk)


def _retention_note(store: S3Store, key: str, version: str | None) -> str:
    """Why a version stays: its retention mode and date (from ``HEAD``) when the store tells."""
    try:
        if version is None:
            head = store.client.head_object(Bucket=store.bucket, Key=key)
        else:
            head = store.client.head_object(Bucket=store.bucket, Key=key, VersionId=version)
        until = head["ObjectLockRetainUntilDate"]
        return f"{key}: {head.get('ObjectLockMode', '?')} retention until {until:%Y-%m-%d}"
    except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
        return f"{key}: the store refuses to delete it (retention or permissions)"


def _put_options() -> dict[str, Any]:
    extra: dict[str, Any] = {"ContentType": "application/octet-stream"}
    if settings.S3_SSE:
        extra["ServerSideEncryption"] = settings.S3_SSE
        if settings.S3_SSE_KMS_KEY_ID:
            extra["SSEKMSKeyId"] = settings.S3_SSE_KMS_KEY_ID
    if settings.S3_LOCK_MODE:
        extra["ObjectLockMode"] = settings.S3_LOCK_MODE
        extra["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(
            days=settings.S3_LOCK_DAYS
        )
    return extra


def configured() -> S3Store:
    """The store of the settings, one per configuration and process."""
    endpoint, region = settings.S3_ENDPOINT_URL, settings.S3_REGION
    key_id, secret = settings.S3_ACCESS_KEY_ID, settings.S3_SECRET_ACCESS_KEY
    config = (endpoint, region, key_id, secret, settings.S3_BUCKET, settings.S3_PREFIX)
    with _lock:
        if config not in _stores:
            made = client(endpoint, region, key_id, secret)
            _stores[config] = S3Store(made, settings.S3_BUCKET, settings.S3_PREFIX)
        return _stores[config]
