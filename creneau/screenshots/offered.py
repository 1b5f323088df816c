"""Screenshots that come with one attempt (the person's portal, the volunteer's pages).

1. ``read_offered``, before anything is recorded and outside any transaction: each image is read
   and compared with the case now when its reading is short (``SYNC_OCR_PIXELS``: under a
   second), else left for the worker (« lecture en cours »);
2. the caller records the attempt through ``evidence.attempts.record_attempt`` (files sealed
   first), as always;
3. ``keep_offered``: the readings are stored for that attempt, beside the sealed originals, and the
   images left for later are queued (``read_attempt`` on the ``default`` queue).

A reading never changes the attempt: its outcome stays what was declared, its evidence state
stays « déclarée avec fichier joint »; a blocking warning only sets the screenshot aside.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from creneau.cases.models import Attempt, Case
from creneau.evidence.attempts import Filed, Incoming
from creneau.lib.ocr import OcrUnavailableError
from creneau.screenshots import tasks
from creneau.screenshots.checking import CaseReading, check_for_case, keep
from creneau.screenshots.reread import READ_TYPES, media_type
from creneau.watch.screenshot import UnreadableImageError, ocr_pixels

# A 1366 × 768 desktop screenshot is read at 2732 × 1536 (4.2 million pixels) in about 0.7 s on
# a busy two-core machine, a 1080 × 2400 phone one at 585 × 1300 in 0.4 s: read those while the
# person waits. Larger readings (a 4K screen) go to the worker.
SYNC_OCR_PIXELS = 4_500_000


@dataclass
class Offered:
    """The screenshots offered with one attempt: read now, left for the worker, or not read."""

    case: Case
    read: list[CaseReading] = field(default_factory=list)
    pending: int = 0  # images left for the worker
    unread: list[str] = field(default_factory=list)  # why an image could not be read (French)

    @property
    def set_aside(self) -> bool:
        return any(item.set_aside for item in self.read)


def read_offered(
    case: Case,
    files: Sequence[Incoming | Filed],
    *,
    declared_at: datetime | None = None,
    declared_outcome: str = "",
) -> Offered:
    """Step (1). ``declared_at``: the attempt's time as given; ``declared_outcome``: what the
    screenshot is offered as proof of. Files already sealed (``Filed``) are not read."""
    offered = Offered(case)
    for incoming in (item for item in files if isinstance(item, Incoming)):
        if media_type(incoming.data) not in READ_TYPES:
            continue  # a PDF, an e-mail: not a screenshot the reader can read
        try:
            if ocr_pixels(incoming.data) > SYNC_OCR_PIXELS:
                offered.pending += 1
                continue
            checked = check_for_case(
                case,
                incoming.data,
                incoming.filename,
                declared_at=declared_at,
                declared_outcome=declared_outcome,
            )
        except (UnreadableImageError, OcrUnavailableError) as error:
            offered.unread.append(f"{incoming.filename} : {error}")
            continue
        offered.read.append(checked)
    return offered


def keep_offered(offered: Offered, attempt: Attempt) -> list[CaseReading]:
    """Step (3): store what was read for ``attempt``; queue what was left for the worker."""
    kept = [keep(offered.case, item, attempt) for item in offered.read]
    if offered.pending:
        pk = attempt.pk
        transaction.on_commit(lambda: tasks.read_attempt_task.enqueue(pk))
    return kept


def summary(offered: Offered) -> str:
    """One French line for a volunteer: what the reading found."""
    if offered.set_aside:
        return _("Capture lue : elle ne correspond pas au dossier, elle est mise de côté.")
    if offered.read:
        return _("Capture lue : rien n'y contredit le dossier.")
    if offered.pending:
        return _("Lecture de la capture en cours.")
    return ""
