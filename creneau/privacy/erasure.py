"""Erasure (GDPR art. 17) and automatic purge of inactive cases.

Evidence is write-once: normal operation never deletes it. Erasing a case is the one exception,
decided by a person (or by the purge rule the organisation configured), and it removes the
case's evidence files from the store when nothing else refers to them.

Order matters: every evidence relation is PROTECT, so rows go from the leaves to the case.
"""

import datetime
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from creneau.assessment.models import CaseAssessment
from creneau.cases.models import Attempt, AttemptFile, Case, Person
from creneau.correspondence.models import MailDraft, RegisteredLetter
from creneau.court.models import BundleBuild
from creneau.evidence import journal
from creneau.evidence.models import (
    Artefact,
    Blob,
    Capture,
    CaseDocument,
    JournalAnchor,
    JournalEntry,
    Seal,
    TimestampToken,
    Upload,
)
from creneau.lib import storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    reference: str
    attempts: int
    files_removed: int
    # Copies the store did not remove, each with why (an Object Lock retention and its date,
    # or the store not answering): said to whoever asked for the erasure.
    kept: tuple[str, ...] = ()


def _blob_ids(case: Case) -> set[int]:
    seals = Seal.objects.filter(Q(capture__case=case) | Q(upload__case=case))
    ids = set(AttemptFile.objects.filter(attempt__case=case).values_list("blob_id", flat=True))
    ids |= set(Artefact.objects.filter(seal__in=seals).values_list("blob_id", flat=True))
    ids |= set(TimestampToken.objects.filter(seal__in=seals).values_list("response_id", flat=True))
    ids |= set(seals.values_list("manifest_id", flat=True))
    ids |= set(Upload.objects.filter(case=case).values_list("original_id", flat=True))
    ids |= set(Upload.objects.filter(case=case).values_list("filed_id", flat=True))
    anchors = JournalAnchor.objects.filter(entry__case=case)
    ids |= set(anchors.values_list("response_id", flat=True))
    # Court bundles built from the web: zips of that evidence, in the store too.
    builds = BundleBuild.objects.filter(case=case, archive__isnull=False)
    ids |= set(builds.values_list("archive_id", flat=True))
    return ids


def _folder_builds(case: Case) -> list[Path]:
    """Bundles built before they went to the store: folders on the host that built them."""
    rows = BundleBuild.objects.filter(case=case, archive__isnull=True).exclude(folder="")
    return [Path(folder) for folder in rows.values_list("folder", flat=True)]


def _delete_rows(case: Case) -> int:
    seal_ids = list(
        Seal.objects.filter(Q(capture__case=case) | Q(upload__case=case)).values_list(
            "id", flat=True
        )
    )
    # Rows of other apps that point at the case's attempts or uploads with PROTECT.
    RegisteredLetter.objects.filter(case=case).delete()
    MailDraft.objects.filter(case=case).delete()
    CaseDocument.objects.filter(case=case).delete()
    JournalAnchor.objects.filter(entry__case=case).delete()
    JournalEntry.objects.filter(case=case).delete()
    Capture.objects.filter(case=case).delete()
    Upload.objects.filter(case=case).delete()
    TimestampToken.objects.filter(seal_id__in=seal_ids).delete()
    Artefact.objects.filter(seal_id__in=seal_ids).delete()
    Seal.objects.filter(id__in=seal_ids).delete()
    AttemptFile.objects.filter(attempt__case=case).delete()
    attempts, _ = Attempt.objects.filter(case=case).delete()
    CaseAssessment.objects.filter(case=case).delete()
    person = case.person
    case.delete()
    if not person.cases.exists():
        Person.objects.filter(pk=person.pk).delete()
    return attempts


def _still_referenced(blob_id: int) -> bool:
    return (
        AttemptFile.objects.filter(blob_id=blob_id).exists()
        or Artefact.objects.filter(blob_id=blob_id).exists()
        or TimestampToken.objects.filter(response_id=blob_id).exists()
        or Seal.objects.filter(manifest_id=blob_id).exists()
        or Upload.objects.filter(Q(original_id=blob_id) | Q(filed_id=blob_id)).exists()
        or JournalAnchor.objects.filter(response_id=blob_id).exists()
        or BundleBuild.objects.filter(archive_id=blob_id).exists()
    )


def erase_case(case: Case) -> Erased:
    """Delete the case, its person (if no other case), its journal and its evidence files."""
    reference = case.reference
    with transaction.atomic():
        blob_ids = _blob_ids(case)
        old_folders = _folder_builds(case)
        attempts = _delete_rows(case)
        orphans = [b for b in blob_ids if not _still_referenced(b)]
        digests = list(Blob.objects.filter(id__in=orphans).values_list("sha256", flat=True))
        Blob.objects.filter(id__in=orphans).delete()
    removed, kept = _erase_files(digests)  # files last: a failed transaction keeps them all
    # Bundles built before they went to the store, or left half-built by a crash, on this
    # host's disk; screenshots sent for an import not yet read are the person's files too.
    shutil.rmtree(Path(settings.DATA_DIR) / "bundles" / reference, ignore_errors=True)
    shutil.rmtree(Path(settings.DATA_DIR) / "imports" / reference, ignore_errors=True)
    kept += _folders_elsewhere(old_folders)
    transaction.on_commit(lambda: journal.record_erased(reference))  # erased, not truncated
    transaction.on_commit(fold_write_ahead_log)  # outside any transaction, or it cannot run
    return Erased(reference, attempts, removed, tuple(kept))


def _folders_elsewhere(folders: list[Path]) -> list[str]:
    """Old bundle folders this host may not have removed: still here, or (with a shared store,
    so several hosts) possibly on the worker that built them."""
    shared = settings.EVIDENCE_STORE != "local"
    return [
        f"{folder}: a bundle folder built before bundles went to the store; "
        "remove it on the host that built it"
        for folder in folders
        if shared or folder.exists()
    ]


def _erase_files(digests: list[str]) -> tuple[int, list[str]]:
    """Remove each blob from the store; say which ones stay, and why."""
    removed, kept = 0, []
    for digest in digests:
        try:
            removed += storage.erase(digest)
        except storage.Retained as held:
            kept.append(str(held))
        except storage.StorageError as error:  # the store did not answer: the bytes remain
            log.warning("evidence %s not erased: %s", digest, error)
            kept.append(f"{digest}: {error}")
    return removed, kept


def fold_write_ahead_log() -> None:
    """SQLite: write the log back into the database and empty it, so that the erased rows'
    bytes (zeroed in the database by ``secure_delete``) no longer sit in older log frames.
    While the server keeps the database open, nothing else would do it soon."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
    except OperationalError:  # locked by another writer: its own commit will checkpoint later
        busy = (1,)
    if busy and busy[0]:
        log.warning("SQLite log not emptied after an erasure (a reader held it); retried later")


def purge_due(now: datetime.datetime | None = None) -> list[Case]:
    """Cases whose inactivity exceeds the organisation's retention rule (settings)."""
    now = now or timezone.now()
    closed_days = settings.PURGE_CLOSED_AFTER_DAYS
    idle_days = settings.PURGE_INACTIVE_AFTER_DAYS
    rows = Case.objects.values_list("pk", "status", "updated_at", "last_attempt_at")
    due = []
    for pk, status, updated_at, last_attempt in rows:
        last = max(filter(None, [updated_at, last_attempt]))
        finished = status in {Case.Status.CLOSED, Case.Status.APPOINTMENT}
        limit = closed_days if finished else idle_days
        if limit and now - last > datetime.timedelta(days=limit):
            due.append(pk)
    return list(Case.objects.filter(pk__in=due))
