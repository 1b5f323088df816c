"""Removing what the evidence store keeps and no row references (``creneau store sweep``, and
the daily purge).

Such objects are left by a process stopped between its store write and its database commit (a
worker killed while recording), by a failed transaction after the write, or by an erasure whose
store refused a deletion then. ``creneau verify --store`` lists them as orphans; this removes
those older than a grace period (``CRENEAU_ORPHAN_GRACE_HOURS``), never a younger one, which may
belong to an attempt still recording. Each candidate is checked again against the database just
before it goes. An object under an Object Lock retention cannot be removed: it is listed with its
retention, and removed by a later sweep once the date has passed.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from creneau.evidence.models import Blob
from creneau.lib import storage


@dataclass
class Sweep:
    removed: list[str] = field(default_factory=list)  # digests removed (or to remove: dry run)
    kept: list[str] = field(default_factory=list)  # retained by the store, with the reason
    failed: list[str] = field(default_factory=list)  # the store refused for another reason
    young: int = 0  # orphans within the grace period, left for a later sweep
    leftovers: int = 0  # unfinished temporary files removed (local folder)

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "removed": self.removed,
            "kept": self.kept,
            "failed": self.failed,
            "young": self.young,
            "leftovers": self.leftovers,
        }


def sweep_orphans(now: datetime, grace: timedelta, *, dry_run: bool = False) -> Sweep:
    """Remove the store's objects no row references and older than ``grace``
    (``storage.Unavailable`` when the store does not answer: nothing is known, nothing done)."""
    store, before = storage.backend(), now - grace
    known = set(Blob.objects.values_list("sha256", flat=True))
    done = Sweep()
    for digest, written in list(store.listing()):
        if digest in known:
            continue
        if written > before:
            done.young += 1
        elif dry_run:
            done.removed.append(digest)
        else:
            _remove(store, digest, done)
    if isinstance(store, storage.LocalStore) and not dry_run:
        for path in store.leftovers(before):
            path.unlink(missing_ok=True)
            done.leftovers += 1
    return done


def _remove(store: storage.Backend, digest: str, done: Sweep) -> None:
    if Blob.objects.filter(sha256=digest).exists():  # recorded since the listing: not an orphan
        return
    try:
        store.erase(digest)
    except storage.Retained as held:
        done.kept.append(str(held))
    except storage.StorageError as error:
        done.failed.append(f"{digest}: {error}")
    else:
        done.removed.append(digest)
