"""The watcher's journal: each finished day of a page, chained and timestamped.

Once a page's local day is over, its counts (per hour and outcome) and the manifests of its
sealed checks become one entry of the page's chain, hashed like a case's journal
(``entry_hash = SHA-256(prev_hash + payload)``, the first ``prev_hash`` 64 zeros); the head of
each chain is then timestamped (RFC 3161), as case journals are. From then on, changing a
day's counts breaks the chain, and the anchor dates it. This proves the counts existed on that
date, not that each counted check happened: only sealed checks prove themselves.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef

from creneau.evidence.seal import blob_row, canonical_json
from creneau.lib import storage, tsa
from creneau.observatory.models import (
    OUTCOMES,
    CheckHour,
    DayAnchor,
    DayEntry,
    ObservedPage,
    SealedCheck,
)

GENESIS = "0" * 64
HOUR_COLUMNS = ("hour", "checks", *OUTCOMES)


def entry_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def hour_rows(rows: "list[CheckHour]") -> list[list[int]]:
    return [[row.hour, row.checks, *(getattr(row, name) for name in OUTCOMES)] for row in rows]


def day_payload(row: ObservedPage, day: date) -> dict[str, Any]:
    hours = list(CheckHour.objects.filter(observed=row, day=day).order_by("hour"))
    sealed = SealedCheck.objects.filter(observed=row, day=day).select_related(
        "capture__seal__manifest"
    )
    return {
        "page": row.url,
        "key": row.key,
        "day": day.isoformat(),
        "time_zone": row.time_zone,
        "hour_columns": list(HOUR_COLUMNS),
        "hours": hour_rows(hours),
        "checks": sum(h.checks for h in hours),
        "sealed": [
            {
                "at": s.at.astimezone(UTC).replace(microsecond=0).isoformat(),
                "outcome": s.outcome,
                "reason": s.reason,
                "manifest": s.capture.seal.manifest.sha256,
            }
            for s in sealed.order_by("at")
        ],
    }


def append_day(row: ObservedPage, day: date) -> DayEntry:
    payload = canonical_json(day_payload(row, day)).decode()
    with transaction.atomic():
        head = DayEntry.objects.filter(observed=row).order_by("-sequence").first()
        prev = head.entry_hash if head else GENESIS
        return DayEntry.objects.create(
            observed=row,
            sequence=(head.sequence + 1) if head else 1,
            day=day,
            payload=payload,
            prev_hash=prev,
            entry_hash=entry_hash(prev, payload),
        )


def close_days(now: datetime) -> list[ObservedPage]:
    """Chain every finished day of every local page not chained yet; the pages that moved."""
    moved = []
    for row in ObservedPage.objects.filter(source__local=True):
        today = now.astimezone(ZoneInfo(row.time_zone)).date()
        last = DayEntry.objects.filter(observed=row).aggregate(last=Max("day"))["last"]
        days = CheckHour.objects.filter(observed=row, day__lt=today)
        if last is not None:
            days = days.filter(day__gt=last)
        pending = sorted(set(days.values_list("day", flat=True)))
        for day in pending:
            try:
                append_day(row, day)
            except IntegrityError:  # another scheduler closed it a moment ago
                break
        if pending:
            moved.append(row)
    return moved


@dataclass(frozen=True)
class AnchorReport:
    anchored: int
    unanswered: int


def anchor_heads() -> AnchorReport:
    """Timestamp the head of every page's chain that has no anchor yet."""
    later = DayEntry.objects.filter(
        observed=OuterRef("observed"), sequence__gt=OuterRef("sequence")
    )
    anchored = DayAnchor.objects.filter(entry=OuterRef("pk"))
    done = missed = 0
    for entry in DayEntry.objects.filter(~Exists(later), ~Exists(anchored)):
        attempted = tsa.request_tokens(entry.entry_hash.encode())
        for token in attempted.tokens:
            storage.put(token.response)
            DayAnchor.objects.create(
                entry=entry,
                head_hash=entry.entry_hash,
                tsa_url=token.url,
                response=blob_row(token.response, tsa.MEDIA_TYPE),
                gen_time=token.gen_time,
            )
        done, missed = (done + 1, missed) if attempted.tokens else (done, missed + 1)
    return AnchorReport(done, missed)


def export(row: ObservedPage, last: date | None = None) -> list[dict[str, Any]]:
    """The chain as plain data (same shape as a case journal's ``journal.json``), from its start
    to ``last``: a chain is only verifiable from its first entry."""
    entries = DayEntry.objects.filter(observed=row).order_by("sequence")
    if last is not None:
        entries = entries.filter(day__lte=last)
    return [
        {
            "sequence": e.sequence,
            "kind": "day",
            "day": e.day.isoformat(),
            "payload": e.payload,
            "prev_hash": e.prev_hash,
            "entry_hash": e.entry_hash,
        }
        for e in entries
    ]
