"""Backup and restore of the embedded mode: the SQLite database, the evidence store, the keys.

The archive is a gzip'd tar:
    creneau-backup/database.sqlite3   a consistent copy (SQLite online backup API)
    creneau-backup/evidence/…         the content-addressed evidence store (read through the
                                      store seam: a local folder or an S3 bucket)
    creneau-backup/secret_key, field_key   the keys that decrypt identity fields (optional)
With the keys, the archive opens every case: keep it as safe as the machine itself.
PostgreSQL deployments back up with pg_dump and their object store (docs/deployment.md).
"""

import io
import os
import sqlite3
import stat
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from creneau.evidence.journal import LOCAL_HEADS, local_heads_path
from creneau.lib import storage

ROOT = "creneau-backup"
KEYS = ("secret_key", "field_key")


class BackupError(Exception):
    pass


def _sqlite_path() -> Path:
    if connection.vendor != "sqlite":
        raise BackupError(
            "backup handles the embedded SQLite mode; with PostgreSQL use pg_dump "
            "and the object store's own copies (docs/deployment.md)"
        )
    return Path(str(settings.DATABASES["default"]["NAME"]))


def backup(out: Path, *, keys: bool = True) -> Path:
    """Write a backup archive to ``out``; return its path."""
    source = _sqlite_path()
    data = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "database.sqlite3"
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
            live.backup(target)
        # The archive opens every case (with the keys): the owner's only, whatever the umask.
        handle = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(handle).st_mode):  # not a device or a pipe given as FILE
            os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(copy, f"{ROOT}/database.sqlite3")
            _add_evidence(archive)
            for name in KEYS if keys else ():
                if (data / name).exists():
                    archive.add(data / name, f"{ROOT}/{name}")
    return out


def _add_evidence(archive: tarfile.TarFile) -> None:
    """Every blob of the store (whatever the backend), and this host's local journal anchors."""
    for digest in storage.digests():
        data = storage.read(digest)
        entry = tarfile.TarInfo(f"{ROOT}/evidence/{storage.key_for(digest)}")
        entry.size, entry.mode = len(data), 0o400
        archive.addfile(entry, io.BytesIO(data))
    heads = local_heads_path()
    if heads.exists():
        archive.add(heads, f"{ROOT}/evidence/{LOCAL_HEADS}")


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        parts = Path(member.name).parts
        if not parts or parts[0] != ROOT or ".." in parts or member.issym() or member.islnk():
            raise BackupError(f"unexpected entry in the archive: {member.name}")
        members.append(member)
    return members


def restore(archive_path: Path, data_dir: Path) -> None:
    """Unpack an archive into an empty data folder (never over existing data)."""
    if (data_dir / "creneau.sqlite3").exists() or (data_dir / "evidence").exists():
        raise BackupError(f"{data_dir} already holds data: restore into an empty folder")
    data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extractall(tmp, members=_safe_members(archive), filter="data")
        unpacked = Path(tmp) / ROOT
        (unpacked / "database.sqlite3").replace(data_dir / "creneau.sqlite3")
        _restore_evidence(unpacked / "evidence", data_dir / "evidence")
        for name in KEYS:
            if (unpacked / name).exists():
                (data_dir / name).unlink(missing_ok=True)
                (unpacked / name).replace(data_dir / name)


def _restore_evidence(unpacked: Path, folder: Path) -> None:
    """Put each blob back through the store seam: the local folder of the restored data, or the
    configured bucket (where blobs already there are left as they are: write-once)."""
    if not unpacked.exists():
        return
    local = storage.LocalStore(folder)
    store: storage.Backend = storage.backend() if settings.EVIDENCE_STORE != "local" else local
    for path in sorted((unpacked / storage.PREFIX).glob("*/*")):
        if not path.name.startswith("."):
            storage.put_into(store, path.read_bytes())
    if (unpacked / LOCAL_HEADS).exists():
        folder.mkdir(parents=True, exist_ok=True)
        (unpacked / LOCAL_HEADS).replace(folder / LOCAL_HEADS)
