"""A person's own screenshot of an attempt, sealed on arrival and recorded in the journal.

1. read the type from the content (images and PDFs only: a person sends what they saw);
2. record a manual attempt at the time the person gives, the file sealed as received with a
   copy without metadata filed (``evidence.attempts.record_attempt``).
"""

from datetime import datetime

from creneau.cases.models import Attempt, Case
from creneau.evidence.attempts import Incoming, record_attempt
from creneau.evidence.uploads import UploadError, sniff

ACCEPTED = frozenset({"image/png", "image/jpeg", "application/pdf"})
NOTE = "capture envoyée par la personne depuis son espace"  # French: it goes into the file


def record_screenshot(
    case: Case, data: bytes, filename: str, *, at: datetime, channel: str, outcome: str
) -> Attempt:
    if sniff(data) not in ACCEPTED:  # (1)
        raise UploadError("seuls les images PNG, JPEG et les PDF sont acceptés ici")
    return record_attempt(  # (2)
        case, channel=channel, outcome=outcome, at=at, note=NOTE, files=[Incoming(data, filename)]
    )
