"""The one way an attempt enters a case, whatever its channel and whoever saw it.

1. every file is sealed before anything is recorded (``seal_file``): a refused file records
   nothing;
2. one transaction holds the Attempt, its files, the capture it comes from and its journal
   entry: there is never an attempt outside the journal, nor a journal entry without its files;
3. ``Attempt.save`` moves the case's last-attempt dates and ``updated_at`` forward, which marks
   its stored assessment as out of date (see ``creneau.assessment.services.refresh_stale``).

Attempts and their files are never edited (``WriteOnceModel``): a correction is a new attempt,
a file that arrives later (a witness's signed attestation) is a new file with its own entry.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from creneau.cases.models import Attempt, AttemptFile, Case, Channel
from creneau.evidence import journal
from creneau.evidence.capture import STAMPED
from creneau.evidence.models import Blob, Capture
from creneau.evidence.seal import canonical_json
from creneau.evidence.uploads import EXTENSIONS, SealedUpload, seal_upload

ATTACHMENT = "attachment"  # journal entry kind for a file added to an earlier attempt
MAX_NAME = 200

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class Incoming:
    """A file to seal: its bytes, the name it came with, and optionally the stem to file it
    under (``avis-de-reception`` → ``avis-de-reception.pdf``)."""

    data: bytes
    filename: str
    stem: str = ""


@dataclass(frozen=True)
class Filed:
    """A file in the evidence store, attached under ``name``; ``upload`` when sealed here."""

    blob: Blob
    name: str
    upload: SealedUpload | None = None


def filed_name(filename: str, media_type: str, stem: str = "") -> str:
    """The one naming rule of attached files: the stem and the extension of the type read from
    the content, or else the base name as received (no folders, no backslashes), cut short."""
    if stem:
        return f"{stem}.{EXTENSIONS[media_type]}"[:MAX_NAME]
    name = PurePath(filename.replace("\\", "/")).name.strip()
    return name[:MAX_NAME] or f"fichier.{EXTENSIONS[media_type]}"


def seal_file(case: Case, incoming: Incoming) -> Filed:
    """Step (1) for one file; raises ``UploadError`` (French) when the file is refused."""
    upload = seal_upload(incoming.data, incoming.filename, case)
    name = filed_name(incoming.filename, upload.media_type, incoming.stem)
    return Filed(Blob.objects.get(sha256=upload.filed_sha256), name, upload)


def record_attempt(
    case: Case,
    *,
    channel: str,
    outcome: str,
    at: datetime.datetime,
    source: str = Attempt.Source.MANUAL,
    note: str = "",
    by: Actor = None,
    files: Sequence[Incoming | Filed] = (),
    capture: Capture | None = None,
) -> Attempt:
    """Steps (1)–(2): the attempt, its files and its journal entry, or nothing at all."""
    filed = [item if isinstance(item, Filed) else seal_file(case, item) for item in files]
    with transaction.atomic():
        attempt = Attempt.objects.create(
            case=case,
            channel=channel,
            outcome=outcome,
            at=at,
            note=note,
            source=source,
            recorded_by=by if isinstance(by, User) else None,
        )
        for item in filed:
            AttemptFile.objects.create(attempt=attempt, blob=item.blob, name=item.name)
        if capture is not None:
            _link(capture, attempt)
        journal.append_attempt(attempt)
    return attempt


def record_capture(capture_id: str) -> Attempt | None:
    """The online Attempt of a sealed capture, with its stamped screenshot attached (what the
    timeline, the person and a case export show). None when the capture already has its attempt
    (a concurrent or repeated recording) or belongs to no case."""
    with transaction.atomic():
        # of=self: the case is a nullable relation, and PostgreSQL refuses FOR UPDATE on the
        # nullable side of an outer join (found by the multi-host rehearsal).
        locked = Capture.objects.select_for_update(of=("self",))
        row = locked.select_related("case").get(pk=capture_id)
        if row.attempt_id is not None or row.case is None:
            return None
        stamped = row.seal.artefacts.filter(name=STAMPED).select_related("blob").first()
        return record_attempt(
            row.case,
            channel=Channel.ONLINE,
            outcome=row.outcome,
            at=row.started_at,
            source=Attempt.Source.SEALED,
            note=(row.error or row.matched)[:500],
            files=[Filed(stamped.blob, STAMPED)] if stamped else [],
            capture=row,
        )


def _link(capture: Capture, attempt: Attempt) -> None:
    """Attach the attempt to its capture (allowed once: the field starts empty)."""
    row = Capture.objects.select_for_update().get(pk=capture.pk)
    if row.attempt_id not in (None, attempt.pk):
        raise ValueError(f"capture {capture.pk} already belongs to another attempt")
    row.attempt = attempt
    row.save(update_fields=["attempt"])


def attach_later(attempt: Attempt, incoming: Incoming, what: str) -> AttemptFile:
    """Add a sealed file to an earlier attempt, journalled as its own entry."""
    case = attempt.case
    item = seal_file(case, incoming)
    assert item.upload is not None
    payload = {
        "case": case.reference,
        "attempt": attempt.pk,
        "what": what,
        "file": {"name": item.name, "sha256": item.upload.filed_sha256},
        "manifest": item.upload.manifest_sha256,
    }
    with transaction.atomic():
        row = AttemptFile.objects.create(attempt=attempt, blob=item.blob, name=item.name)
        journal.append(case, ATTACHMENT, canonical_json(payload).decode())
        Case.objects.filter(pk=case.pk).note_change()
    return row
