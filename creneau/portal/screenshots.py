"""A person's own screenshot of an attempt, sealed on arrival, read, and recorded in the journal.

1. read the type from the content (images and PDFs only: a person sends what they saw);
2. read the image and compare it with the case (``screenshots.offered``: at once when short,
   else on the worker), before anything is recorded;
3. seal the file as received with a copy without metadata filed, then record a manual attempt at
   the time the person gives (``evidence.attempts.record_attempt``) and keep the reading for it.

The person is told at once, in their language, when the screenshot shows something else (the
warnings' messages); the attempt is kept all the same, as declared, and a volunteer decides.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from creneau.cases.models import Attempt, Case
from creneau.evidence.attempts import Incoming, record_attempt, seal_file
from creneau.evidence.uploads import UploadError, sniff
from creneau.screenshots.offered import Offered, keep_offered, read_offered

ACCEPTED = frozenset({"image/png", "image/jpeg", "application/pdf"})
NOTE = "capture envoyée par la personne depuis son espace"  # French: it goes into the file


@dataclass(frozen=True)
class Sent:
    attempt: Attempt
    offered: Offered  # what the reading found (or that it is still running)


def record_screenshot(
    case: Case, data: bytes, filename: str, *, at: datetime, channel: str, outcome: str
) -> Sent:
    if sniff(data) not in ACCEPTED:  # (1)
        raise UploadError("seuls les images PNG, JPEG et les PDF sont acceptés ici")
    incoming = Incoming(data, filename)
    offered = read_offered(case, [incoming], declared_at=at, declared_outcome=outcome)  # (2)
    filed = seal_file(case, incoming)  # (3)
    with transaction.atomic():
        attempt = record_attempt(
            case, channel=channel, outcome=outcome, at=at, note=NOTE, files=[filed]
        )
        keep_offered(offered, attempt)
    return Sent(attempt, offered)
