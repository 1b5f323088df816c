"""The evidence store: the only module that reads, writes and erases evidence bytes.

Content-addressed and write-once: a blob is named ``sha256/ab/cdef…`` after its digest and is
never overwritten, and deleted only by the erasure of a whole case or by the sweep of objects no
row references (:mod:`creneau.evidence.sweep`). Two backends, chosen by
``settings.EVIDENCE_STORE``:

- ``local`` (the embedded mode): files under ``settings.EVIDENCE_DIR``. Writes go to a temporary
  file in the same folder, are flushed to disk, then linked into place, so a crash leaves either
  the whole file or nothing.
- ``s3``: an S3-compatible bucket (:mod:`creneau.lib.s3store`), shared by every host of a
  multi-host installation, with Object Lock retention when the bucket has it.

Callers use the functions of this module only; :func:`backend` gives the configured backend for
the few that need more (doctor, migration, backups).
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings

PREFIX = "sha256/"
PREFETCH_THREADS = 8
CHUNK_BYTES = 1024 * 1024  # reading a file to hash or copy it: never more than this in memory
SPOOL_BYTES = 64 * 1024 * 1024  # a blob sent on (a bundle's zip) goes to disk past this size
_prefetched: ContextVar[dict[str, bytes] | None] = ContextVar("prefetched", default=None)


class StorageError(Exception):
    """The evidence store could not keep or give back a file."""


class Missing(StorageError):
    """The blob is not in the store."""


class Unavailable(StorageError):
    """The store did not answer (network, credentials, disk): nothing is known of the blob."""


class Retained(StorageError):
    """The store refuses to delete the blob (an Object Lock retention): a copy stays."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int


@dataclass(frozen=True)
class Description:
    """What ``creneau doctor`` says of the store."""

    backend: str  # "local" | "s3"
    location: str  # a folder, or s3://bucket/prefix at the endpoint
    locked: bool | None  # Object Lock on the bucket (None: not applicable or not asked)
    detail: str  # the retention in force, or why the store could not be asked


class Backend(Protocol):
    name: str

    def size(self, sha256: str) -> int | None: ...
    def write(self, sha256: str, data: bytes) -> None: ...
    def write_file(self, sha256: str, handle: IO[bytes], size: int) -> None: ...
    def read(self, sha256: str) -> bytes: ...
    def read_into(self, sha256: str, out: IO[bytes]) -> None: ...
    def digests(self) -> Iterator[str]: ...
    def listing(self) -> Iterator[tuple[str, datetime]]: ...
    def erase(self, sha256: str) -> bool: ...
    def describe(self, probe: bool) -> Description: ...


def check_digest(sha256: str) -> str:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise StorageError(f"not a SHA-256 digest: {sha256!r}")
    return sha256


def key_for(sha256: str) -> str:
    """The blob's name in the store, the same in every backend."""
    check_digest(sha256)
    return f"{PREFIX}{sha256[:2]}/{sha256[2:]}"


# --- the local folder ----------------------------------------------------------------------------


class LocalStore:
    name = "local"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / key_for(sha256)

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise Unavailable(f"evidence store unreadable: {exc.strerror or exc}") from exc

    def write(self, sha256: str, data: bytes) -> None:
        self._write(sha256, lambda handle: handle.write(data))

    def write_file(self, sha256: str, handle: IO[bytes], size: int) -> None:
        handle.seek(0)
        self._write(sha256, lambda out: shutil.copyfileobj(handle, out, CHUNK_BYTES))

    def _write(self, sha256: str, fill: Callable[[IO[bytes]], object]) -> None:
        target = self.path(sha256)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    fill(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                Path(tmp).chmod(0o400)  # write-once, and the owner's only
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, target)  # fails if another writer got there first: fine
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"could not store evidence: {exc.strerror or exc}") from exc

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise Missing(f"evidence {sha256} is missing from the store") from exc
        except OSError as exc:
            raise Unavailable(f"evidence {sha256} unreadable: {exc.strerror or exc}") from exc

    def read_into(self, sha256: str, out: IO[bytes]) -> None:
        try:
            with self.path(sha256).open("rb") as handle:
                shutil.copyfileobj(handle, out, CHUNK_BYTES)
        except FileNotFoundError as exc:
            raise Missing(f"evidence {sha256} is missing from the store") from exc
        except OSError as exc:
            raise Unavailable(f"evidence {sha256} unreadable: {exc.strerror or exc}") from exc

    def digests(self) -> Iterator[str]:
        """Every digest present (left-over ``.incoming-`` files are not blobs)."""
        base = self.folder / PREFIX
        if not base.is_dir():
            return
        for folder in sorted(base.iterdir()):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if not path.name.startswith("."):
                        yield folder.name + path.name

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every digest present, with when its file was last written or found again."""
        for digest in self.digests():
            try:
                changed = self.path(digest).stat().st_mtime
            except FileNotFoundError:
                continue  # erased meanwhile
            yield digest, datetime.fromtimestamp(changed, UTC)

    def leftovers(self, before: datetime) -> list[Path]:
        """Temporary files of writes that never finished (a crash before the link), older
        than ``before``: never a blob, never referenced."""
        base = self.folder / PREFIX
        found = []
        for path in base.glob("*/.incoming-*") if base.is_dir() else []:
            with contextlib.suppress(FileNotFoundError):
                if datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
                    found.append(path)
        return found

    def touch(self, sha256: str) -> None:
        """Mark a blob found again by a writer as just written (the orphan sweep's grace)."""
        with contextlib.suppress(OSError):
            os.utime(self.path(sha256))

    def erase(self, sha256: str) -> bool:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StorageError(f"could not erase evidence {sha256}: {exc.strerror or exc}") from exc
        return True

    def describe(self, probe: bool) -> Description:
        return Description(self.name, str(self.folder), None, "")


# --- the seam --------------------------------------------------------------------------------


def backend() -> Backend:
    """The configured store (read at each call: tests and commands change the settings)."""
    if settings.EVIDENCE_STORE == "s3":
        from creneau.lib import s3store  # boto3 is loaded only where S3 is configured

        return s3store.configured()
    return LocalStore(Path(settings.EVIDENCE_DIR))


def root() -> Path:
    return Path(settings.EVIDENCE_DIR)


def path_for(sha256: str) -> Path:
    """Where the local backend keeps a blob (tests of the local folder only)."""
    return LocalStore(root()).path(sha256)


def put(data: bytes) -> Stored:
    """Keep ``data``; return its digest. Storing the same bytes twice is harmless."""
    return put_into(backend(), data)


def put_into(store: Backend, data: bytes) -> Stored:
    digest = hashlib.sha256(data).hexdigest()
    present = store.size(digest)
    if present is None:
        store.write(digest, data)
    elif present != len(data):
        raise StorageError(f"stored blob {digest} has the wrong size: the store is damaged")
    else:
        _found_again(store, digest)
    return Stored(digest, len(data))


def put_file(handle: IO[bytes]) -> Stored:
    """Keep the whole content of an open file (a bundle's zip) without holding it in memory:
    hashed in chunks, then streamed to the store (a managed multipart upload on S3)."""
    store = backend()
    handle.seek(0)
    hasher, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK_BYTES):
        hasher.update(chunk)
        size += len(chunk)
    digest = hasher.hexdigest()
    present = store.size(digest)
    if present is None:
        store.write_file(digest, handle, size)
    elif present != size:
        raise StorageError(f"stored blob {digest} has the wrong size: the store is damaged")
    else:
        _found_again(store, digest)
    return Stored(digest, size)


def _found_again(store: Backend, digest: str) -> None:
    """A writer is about to reference a blob already there (perhaps an orphan): on the local
    folder its date moves, so that the orphan sweep's grace protects it again."""
    if isinstance(store, LocalStore):
        store.touch(digest)


def put_many(items: Sequence[bytes]) -> list[Stored]:
    """Keep several blobs at once (their writes and flushes overlap); all or an error."""
    if len(items) < 2:
        return [put(data) for data in items]
    with ThreadPoolExecutor(max_workers=min(4, len(items))) as pool:
        return list(pool.map(put, items))


def digests() -> Iterator[str]:
    """Every digest present in the store."""
    return backend().digests()


def read(sha256: str) -> bytes:
    """The blob's bytes: ``Missing`` when absent, ``Unavailable`` when the store did not answer."""
    held = _prefetched.get()
    if held is not None and sha256 in held:
        return held[sha256]
    return backend().read(check_digest(sha256))


def spooled(sha256: str) -> IO[bytes]:
    """The blob in a temporary file, at its start (in memory up to ``SPOOL_BYTES``, on disk
    past it): a large blob (a bundle's zip) sent on without being held whole in memory. The
    caller closes it."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        backend().read_into(check_digest(sha256), out)
    except StorageError:
        out.close()
        raise
    out.seek(0)
    return out


@contextlib.contextmanager
def prefetched(digests: Iterable[str]) -> Iterator[None]:
    """Within the block, :func:`read` gives these blobs from memory, fetched now in parallel: a
    remote store answers one request after another slowly (a bundle reads hundreds). Blobs are
    immutable, so nothing read here can be stale; one that fails is read again on demand (and
    fails there, with its reason). The local folder needs none of this."""
    store = backend()
    wanted = list(dict.fromkeys(digests))
    held: dict[str, bytes] = {}
    if store.name != "local" and wanted:
        with ThreadPoolExecutor(max_workers=PREFETCH_THREADS) as pool:
            for digest, data in zip(wanted, pool.map(_fetch(store), wanted), strict=True):
                if data is not None:
                    held[digest] = data
    token = _prefetched.set(held)
    try:
        yield
    finally:
        _prefetched.reset(token)


def _fetch(store: Backend) -> Callable[[str], bytes | None]:
    def one(digest: str) -> bytes | None:
        try:
            return store.read(check_digest(digest))
        except StorageError:
            return None

    return one


def check(sha256: str) -> bool:
    """True when the stored bytes still hash to their name (``Unavailable`` is raised)."""
    try:
        return hashlib.sha256(read(sha256)).hexdigest() == sha256
    except Missing:
        return False


def export(sha256: str, target: Path) -> None:
    """Copy a stored blob to ``target`` (a folder for a judge), refusing a damaged blob."""
    data = read(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StorageError(f"stored blob {sha256} no longer matches its digest: not exported")
    write_export(target, data)


def write_export(target: Path, data: bytes) -> None:
    """Write a file of an exported folder (outside the store): whole file or nothing."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(0o644)  # an exported folder is meant to be read by others
        Path(tmp).replace(target)
    except OSError as exc:
        raise StorageError(f"could not write {target}: {exc.strerror or exc}") from exc


def erase(sha256: str) -> bool:
    """Remove a blob (every copy the store keeps of it). Only erasure of a whole case (GDPR)
    and the orphan sweep call this; never routine code. False when it was not there;
    ``Retained`` when the store refuses (Object Lock): the caller says which copies remain."""
    return backend().erase(check_digest(sha256))


def describe(probe: bool = True) -> Description:
    return backend().describe(probe)


# --- copying a store (creneau store migrate) -----------------------------------------------------


@dataclass
class Copy:
    """What a copy did: blobs written, blobs already there (re-checked), and the rest."""

    copied: int = 0
    already: int = 0
    damaged: list[str] = field(default_factory=list)  # the source no longer matches the name
    failed: list[str] = field(default_factory=list)  # the target refused, or reads back wrong

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.failed


def copy_store(source: Backend, target: Backend, done: Copy) -> Copy:
    """Copy every blob of ``source`` into ``target``, each one read back and hashed there,
    counting in ``done`` (so that a caller stopped by ``Unavailable`` knows how far it went).

    Idempotent and resumable: a blob already in the target is re-checked, not rewritten, so
    running it again after an interruption finishes the job."""
    for digest in source.digests():
        _copy_one(source, target, digest, done)
    return done


def _copy_one(source: Backend, target: Backend, digest: str, done: Copy) -> None:
    data = source.read(digest)
    if hashlib.sha256(data).hexdigest() != digest:
        done.damaged.append(digest)
        return
    present = target.size(digest)
    if present is not None and present != len(data):
        done.failed.append(f"{digest}: already in the target with another size")
        return
    try:
        if present is None:
            target.write(digest, data)
        back = target.read(digest)
    except Unavailable:
        raise
    except StorageError as error:
        done.failed.append(f"{digest}: {error}")
        return
    if hashlib.sha256(back).hexdigest() != digest:
        done.failed.append(f"{digest}: reads back altered from the target")
    elif present is None:
        done.copied += 1
    else:
        done.already += 1
