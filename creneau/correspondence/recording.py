"""Attempts of the written and in-person channels, recorded by a member.

Files are sealed first, outside any transaction (a refused file records nothing, and no
timestamp request holds the database); ``evidence.attempts.record_attempt`` then writes the
attempt, its files and its journal entry, and the access log notes who recorded it.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from creneau.accounts import audit
from creneau.accounts.models import AuditEvent
from creneau.cases.models import Attempt, AttemptDetail, AttemptFile, Case
from creneau.evidence import attempts
from creneau.evidence.attempts import Actor, Filed, Incoming
from creneau.screenshots.offered import Offered, keep_offered


def seal_all(case: Case, files: Sequence[Incoming | Filed]) -> list[Filed]:
    """Seal what is not sealed yet; raises ``UploadError`` (French) when a file is refused."""
    return [item if isinstance(item, Filed) else attempts.seal_file(case, item) for item in files]


def record(
    case: Case,
    *,
    channel: str,
    outcome: str,
    at: datetime.datetime,
    note: str,
    user: Actor,
    files: Sequence[Incoming | Filed] = (),
    sent: bool = False,
    detail: dict[str, Any] | None = None,
    offered: Offered | None = None,
) -> Attempt:
    """A member's attempt, with its files; ``sent``: an e-mail this app sent itself (Créneau
    witnessed it: its sent bytes are among the files); ``detail`` holds what the ANEF journey
    keeps beside it (``AttemptDetail``), written in the same transaction; ``offered``: what was
    read on its screenshots (``screenshots.offered.read_offered``), kept for it."""
    filed = seal_all(case, files)
    source = Attempt.Source.SEALED if filed else Attempt.Source.MANUAL
    if sent:
        source = Attempt.Source.SENT
    with transaction.atomic():
        attempt = attempts.record_attempt(
            case,
            channel=channel,
            outcome=outcome,
            at=at,
            note=note,
            source=source,
            by=user,
            files=filed,
        )
        if detail:
            AttemptDetail.objects.create(attempt=attempt, **detail)
        if offered is not None:
            keep_offered(offered, attempt)
        audit.record(user, case.organisation, case.reference, AuditEvent.Action.CHANGE, channel)
    return attempt


def attach_later(attempt: Attempt, incoming: Incoming, user: Actor, what: str) -> AttemptFile:
    """A file for an earlier attempt (the witness's signed attestation), journalled apart."""
    row = attempts.attach_later(attempt, incoming, what)
    case = attempt.case
    audit.record(user, case.organisation, case.reference, AuditEvent.Action.CHANGE, what)
    return row
