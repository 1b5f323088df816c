"""The evidence store: the only module that writes evidence bytes.

Content-addressed and write-once: a blob lives at ``sha256/ab/cdef…`` and is never
overwritten or deleted by normal operation. Writes go to a temporary file in the same folder,
are flushed to disk, then linked into place, so a crash leaves either the whole file or nothing.
"""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class StorageError(Exception):
    """The evidence store could not keep a file (disk full, permissions, corruption)."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path


def root() -> Path:
    return Path(settings.EVIDENCE_DIR)


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise StorageError(f"not a SHA-256 digest: {sha256!r}")
    return root() / "sha256" / sha256[:2] / sha256[2:]


def put(data: bytes) -> Stored:
    """Keep ``data``; return its digest. Storing the same bytes twice is harmless."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists():
        if target.stat().st_size != len(data):
            raise StorageError(f"stored blob {digest} has the wrong size: the store is damaged")
        return Stored(digest, len(data), target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).chmod(0o400)  # write-once, and the owner's only
            with contextlib.suppress(FileExistsError):
                os.link(tmp, target)  # fails if another writer got there first: fine
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(f"could not store evidence: {exc.strerror or exc}") from exc
    return Stored(digest, len(data), target)


def put_many(items: Sequence[bytes]) -> list[Stored]:
    """Keep several blobs at once (their writes and flushes overlap); all or an error."""
    if len(items) < 2:
        return [put(data) for data in items]
    with ThreadPoolExecutor(max_workers=min(4, len(items))) as pool:
        return list(pool.map(put, items))


def digests() -> Iterator[str]:
    """Every digest present in the store (left-over ``.incoming-`` files are not blobs)."""
    base = root() / "sha256"
    if not base.is_dir():
        return
    for folder in sorted(base.iterdir()):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if not path.name.startswith("."):
                    yield folder.name + path.name


def read(sha256: str) -> bytes:
    try:
        return path_for(sha256).read_bytes()
    except OSError as exc:
        raise StorageError(f"evidence {sha256} is missing from the store") from exc


def check(sha256: str) -> bool:
    """True when the stored bytes still hash to their name."""
    try:
        return hashlib.sha256(read(sha256)).hexdigest() == sha256
    except StorageError:
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
    """Remove a blob's file. Only erasure of a whole case (GDPR) calls this; never routine code."""
    target = path_for(sha256)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"could not erase evidence {sha256}: {exc.strerror or exc}") from exc
    return True
