"""Attempts of the written and in-person channels, with their files sealed on arrival.

(1) seal every file first (``seal_upload``: original kept, EXIF-free copy for filing), so a
refused file records nothing; (2) save the Attempt and its files, then (3) hand it to
``attempt_recorded`` (journal + assessment), in one transaction.

A file that arrives later for an attempt already recorded (the witness's signed attestation)
never edits that attempt: it is a new AttemptFile plus its own journal entry.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.cases.recording import attempt_recorded
from creneau.evidence import journal
from creneau.evidence.models import Blob
from creneau.evidence.seal import canonical_json
from creneau.evidence.uploads import SealedUpload, seal_upload

ATTACHMENT = "attachment"  # journal entry kind for a file added to an earlier attempt
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/pdf": "pdf",
    "message/rfc822": "eml",
}

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class Incoming:
    """A file to seal: its bytes, the name it came with, and the name to file it under."""

    data: bytes
    filename: str
    stem: str


@dataclass(frozen=True)
class Sealed:
    upload: SealedUpload
    name: str

    @property
    def blob(self) -> Blob:
        return Blob.objects.get(sha256=self.upload.filed_sha256)


def seal(case: Case, incoming: Incoming) -> Sealed:
    """Step (1) for one file; raises ``UploadError`` (French) when the file is refused."""
    upload = seal_upload(incoming.data, incoming.filename, case)
    return Sealed(upload, f"{incoming.stem}.{_EXTENSIONS[upload.media_type]}")


def record_attempt(
    case: Case,
    *,
    channel: str,
    outcome: str,
    at: datetime.datetime,
    note: str,
    user: Actor,
    files: Sequence[Incoming] = (),
    sealed: Sequence[Sealed] = (),
) -> Attempt:
    """Steps (1)–(3); ``sealed`` are files the caller has sealed already."""
    sealed = [*sealed, *(seal(case, item) for item in files)]
    source = Attempt.Source.SEALED if sealed else Attempt.Source.MANUAL
    with transaction.atomic():
        attempt = Attempt.objects.create(
            case=case,
            channel=channel,
            outcome=outcome,
            at=at,
            note=note,
            source=source,
            recorded_by=user if isinstance(user, User) else None,
        )
        for item in sealed:
            AttemptFile.objects.create(attempt=attempt, blob=item.blob, name=item.name)
        attempt_recorded(attempt)
        audit.record(
            user, case.organisation, case.reference, AuditEvent.Action.CHANGE, f"{channel}"
        )
    return attempt


def attach_later(attempt: Attempt, incoming: Incoming, user: Actor, what: str) -> AttemptFile:
    """Add a sealed file to an earlier attempt, journalled as its own entry."""
    case = attempt.case
    item = seal(case, incoming)
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
        audit.record(user, case.organisation, case.reference, AuditEvent.Action.CHANGE, what)
    return row
