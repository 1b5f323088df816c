"""The worker's reading of an attempt's screenshots (too large to read in a request).

The images are read as they arrived (a sealed upload's original: its metadata are what tells
when it was taken), compared with the case as it is now, and stored for the attempt.
"""

import hashlib

from creneau.cases.models import Attempt
from creneau.evidence.models import ScreenshotReading, Upload
from creneau.evidence.uploads import UploadError, sniff
from creneau.lib import storage
from creneau.screenshots.checking import check_for_case, keep

READ_TYPES = frozenset({"image/png", "image/jpeg"})


def media_type(data: bytes) -> str:
    try:
        return sniff(data)
    except UploadError:
        return ""


def originals(attempt: Attempt) -> list[tuple[str, bytes]]:
    """The attempt's images as they arrived (a sealed upload's original, else the file)."""
    found = []
    for item in attempt.files.select_related("blob"):
        uploads = Upload.objects.filter(filed=item.blob, case=attempt.case)
        upload = uploads.select_related("original").order_by("-created_at").first()
        blob = upload.original if upload is not None else item.blob
        name = upload.filename if upload is not None else item.name
        try:
            data = storage.read(blob.sha256)
        except storage.StorageError:
            continue
        if media_type(data) in READ_TYPES:
            found.append((name, data))
    return found


def read_attempt(attempt_id: int) -> list[ScreenshotReading]:
    """Read the attempt's images that have no reading for it yet (the worker's part of (1)–(3))."""
    attempt = Attempt.objects.select_related("case").get(pk=attempt_id)
    case = attempt.case
    done = set(
        ScreenshotReading.objects.filter(attempt=attempt).values_list("blob__sha256", flat=True)
    )
    stored = []
    for name, data in originals(attempt):
        if hashlib.sha256(data).hexdigest() in done:
            continue
        checked = check_for_case(
            case,
            data,
            name,
            declared_at=attempt.at,
            declared_outcome=attempt.outcome,
            attempt_id=attempt.pk,
        )
        kept = keep(case, checked, attempt)
        assert kept.stored is not None
        stored.append(kept.stored)
    return stored
