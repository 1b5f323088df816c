"""A person's own screenshot of an attempt: sealed on arrival, then recorded in the journal.

1. read the type from the content (images and PDFs only: a person sends what they saw);
2. seal the original as received and file a copy without metadata (``seal_upload``);
3. record a manual Attempt at the time the person gives, with the filed copy attached;
4. append it to the journal and refresh the assessment (``attempt_recorded``).
"""

from datetime import datetime
from pathlib import PurePath

from django.db import transaction

from creneau.cases.models import Attempt, AttemptFile, Case
from creneau.cases.recording import attempt_recorded
from creneau.evidence.models import Blob
from creneau.evidence.uploads import UploadError, seal_upload, sniff

ACCEPTED = frozenset({"image/png", "image/jpeg", "application/pdf"})
NOTE = "capture envoyée par la personne depuis son espace"  # French: it goes into the file


def record_screenshot(
    case: Case, data: bytes, filename: str, *, at: datetime, channel: str, outcome: str
) -> Attempt:
    if sniff(data) not in ACCEPTED:  # (1)
        raise UploadError("seuls les images PNG, JPEG et les PDF sont acceptés ici")
    name = PurePath(filename.replace("\\", "/")).name[:200] or "capture"
    sealed = seal_upload(data, name, case)  # (2)
    with transaction.atomic():
        attempt = Attempt.objects.create(  # (3)
            case=case,
            channel=channel,
            at=at,
            outcome=outcome,
            source=Attempt.Source.MANUAL,
            note=NOTE,
        )
        filed = Blob.objects.get(sha256=sealed.filed_sha256)
        AttemptFile.objects.create(attempt=attempt, blob=filed, name=name)
        attempt_recorded(attempt)  # (4)
    return attempt
