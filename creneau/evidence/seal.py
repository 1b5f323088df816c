"""Seals: a canonical SHA-256 manifest of some artefacts, and RFC 3161 tokens over it.

Write order, so that a crash never leaves a half-written seal behind:
(1) the manifest is built from the artefacts' digests, (2) the artefacts and the manifest go to
the write-once store while (3) tokens are requested over the manifest bytes, then stored,
(4) the database rows are created in one transaction once (2) and (3) are done. A crash before
(4) leaves only unreferenced blobs.

When no authority answers, the seal is still recorded, as ``awaiting_timestamp``;
:func:`timestamp_pending` (``creneau seal_pending``, and the scheduler) retries later.
"""

import hashlib
import json
import platform
import time
from collections.abc import Collection, Iterable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from creneau import __version__
from creneau.cases.models import Case, CaseQuerySet
from creneau.evidence.models import Artefact, Blob, Capture, Seal, TimestampToken, Upload
from creneau.lib import storage, tsa

MANIFEST_FORMAT = "creneau-manifest/1"
MANIFEST_MEDIA_TYPE = "application/json"


def canonical_json(value: Any) -> bytes:
    """Sorted keys, UTF-8, no insignificant spaces: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class File:
    """An artefact to seal: a name unique within the seal, its bytes and media type."""

    name: str
    data: bytes
    media_type: str

    @cached_property
    def sha256(self) -> str:
        """Computed once: the manifest, the rows and the caller's result all name it."""
        return _digest(self.data)


@dataclass(frozen=True)
class Sealed:
    seal: Seal
    manifest: bytes
    tokens: tuple[tsa.Token, ...]
    failures: tuple[str, ...]  # why each authority that did not answer failed


def software_versions() -> dict[str, str]:
    return dict(_versions())


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """Looked up once per process (an upgrade restarts it)."""
    versions = {"creneau": __version__, "python": platform.python_version()}
    for package in ("django", "playwright", "pillow", "rfc3161-client"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "absent"
    return versions


def build_manifest(kind: str, files: Sequence[File], metadata: dict[str, Any]) -> bytes:
    """The canonical manifest: every file's name, SHA-256, size and media type, plus metadata."""
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise ValueError(f"artefact names must be unique: {names}")
    listed = [
        {"name": f.name, "sha256": f.sha256, "size": len(f.data), "media_type": f.media_type}
        for f in files
    ]
    return canonical_json(
        {"format": MANIFEST_FORMAT, "kind": kind, "artefacts": listed, **metadata}
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Ahead:
    """Steps (1) and (3) done before (2): the manifest and the tokens over it, nothing stored
    (what is time-stamped ahead may still be thrown away: only its digest left this host)."""

    manifest: bytes
    attempted: tsa.Attempted


def timestamp_ahead(
    kind: str,
    files: Sequence[File],
    metadata: dict[str, Any],
    timings: MutableMapping[str, float],
) -> Ahead:
    clock = time.monotonic()
    manifest = build_manifest(kind, files, metadata)
    timings["hash"] = time.monotonic() - clock
    clock = time.monotonic()
    attempted = tsa.request_tokens(manifest)
    timings["tsa"] = time.monotonic() - clock
    return Ahead(manifest, attempted)


def store_and_timestamp(
    kind: str,
    files: Sequence[File],
    metadata: dict[str, Any],
    timings: MutableMapping[str, float] | None = None,
    stored: Collection[str] = (),
    ahead: Ahead | None = None,
) -> Sealed:
    """Steps (1)–(3): everything that touches the store or the network, before any DB row.

    Call :func:`record` inside the caller's transaction with the result. ``timings`` receives
    how long hashing, storing and time-stamping took. ``stored``: names of ``files`` the caller
    already put in the store (they are not written again). ``ahead``: the manifest and tokens
    of these very files and metadata, from :func:`timestamp_ahead`; only storing is left.
    """
    timings = {} if timings is None else timings
    items = [f.data for f in files if f.name not in stored]
    if ahead is not None:
        manifest, attempted = ahead.manifest, ahead.attempted
        _timed(timings, "store", [*items, manifest, *(t.response for t in attempted.tokens)])
    else:
        clock = time.monotonic()
        manifest = build_manifest(kind, files, metadata)
        timings["hash"] = time.monotonic() - clock
        with ThreadPoolExecutor(max_workers=1) as pool:
            storing = pool.submit(_timed, timings, "store", [*items, manifest])
            clock = time.monotonic()
            attempted = tsa.request_tokens(manifest)
            timings["tsa"] = time.monotonic() - clock
            storing.result()  # a store that failed raises here, before anything else is kept
        for token in attempted.tokens:
            storage.put(token.response)
    unsaved = Seal(kind=kind, state=_state(attempted.tokens))
    return Sealed(unsaved, manifest, attempted.tokens, attempted.failures)


def _timed(timings: MutableMapping[str, float], name: str, items: Sequence[bytes]) -> None:
    clock = time.monotonic()
    storage.put_many(items)
    timings[name] = timings.get(name, 0.0) + time.monotonic() - clock


def _state(tokens: Sequence[tsa.Token]) -> str:
    return Seal.State.SEALED if tokens else Seal.State.AWAITING_TIMESTAMP


def record(sealed: Sealed, files: Sequence[File]) -> Seal:
    """Step (4): the rows for an already stored seal. Run it inside ``transaction.atomic``."""
    seal = sealed.seal
    seal.manifest = blob_row(sealed.manifest, MANIFEST_MEDIA_TYPE)
    seal.sealed_at = timezone.now() if sealed.tokens else None
    seal.save()
    for item in files:
        Artefact.objects.create(
            seal=seal,
            name=item.name,
            blob=blob_row(item.data, item.media_type, item.sha256),
            media_type=item.media_type,
        )
    _record_tokens(seal, sealed.tokens)
    return seal


def blob_row(data: bytes, media_type: str, sha256: str = "") -> Blob:
    """The :class:`Blob` row of bytes already in the store (``sha256``: theirs, when known)."""
    blob, _ = Blob.objects.get_or_create(
        sha256=sha256 or _digest(data), defaults={"size": len(data), "media_type": media_type}
    )
    return blob


def _record_tokens(seal: Seal, tokens: Iterable[tsa.Token]) -> None:
    for token in tokens:
        TimestampToken.objects.create(
            seal=seal,
            tsa_url=token.url,
            response=blob_row(token.response, tsa.MEDIA_TYPE),
            gen_time=token.gen_time,
            tsa_name=token.tsa_name,
        )


def seal_files(kind: str, files: Sequence[File], metadata: dict[str, Any]) -> Sealed:
    """Store, timestamp and record a seal in one call (when no other rows go with it)."""
    sealed = store_and_timestamp(kind, files, metadata)
    with transaction.atomic():
        record(sealed, files)
    return sealed


@dataclass(frozen=True)
class PendingReport:
    sealed: int
    still_pending: int
    failures: tuple[str, ...]


def timestamp_pending() -> PendingReport:
    """Retry every seal still awaiting a token; the scheduler calls this periodically.

    When no authority answers for one seal, the others wait for the next run: asking again at
    once would only stack timeouts (and the public authorities ask scripts not to hammer them).
    """
    done, left, failures = 0, 0, list[str]()
    waiting = Seal.objects.filter(state=Seal.State.AWAITING_TIMESTAMP).select_related("manifest")
    for seal in waiting:
        if failures and not done:  # every authority failed on the first seal of this run
            left += 1
            continue
        attempted = tsa.request_tokens(storage.read(seal.manifest.sha256))
        failures.extend(attempted.failures)
        if not attempted.tokens:
            left += 1
            continue
        for token in attempted.tokens:
            storage.put(token.response)
        _mark_sealed(seal, attempted.tokens)
        done += 1
    return PendingReport(done, left, tuple(failures))


def _mark_sealed(seal: Seal, tokens: Sequence[tsa.Token]) -> None:
    with transaction.atomic():
        locked = Seal.objects.select_for_update().get(pk=seal.pk)
        if locked.state == Seal.State.SEALED:
            return  # another worker got there first; its tokens are enough
        _record_tokens(locked, tokens)
        locked.state = Seal.State.SEALED
        locked.sealed_at = timezone.now()
        locked.save(update_fields=["state", "sealed_at"])
        cases_of(locked).note_change()  # their stored verdicts counted this seal as pending


def cases_of(seal: Seal) -> CaseQuerySet:
    """The cases whose evidence holds this seal (its capture's, or its upload's)."""
    captured = Capture.objects.filter(seal=seal).values("case_id")
    uploaded = Upload.objects.filter(seal=seal).values("case_id")
    return Case.objects.filter(Q(pk__in=captured) | Q(pk__in=uploaded))
