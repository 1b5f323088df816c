"""A watcher check as the observatory keeps it: steps (5) and (6) of
``scheduling.attempts.watch_page``.

(5) :func:`seal_sample` — when the check is a sample, the snapshot the watcher already took is
sealed like an evidence capture (``evidence.capture.seal_page``: stamped screenshot, page,
headers, manifest, RFC 3161 tokens; no extra request). A sample is a change between « slots »
and « no slot » (slots appearing, slots gone), or the page's first conclusive check of its local
day; at most ``OBSERVATORY_SEALS_PER_DAY`` a page and day, so a flapping page cannot fill the
disk (about 1 MB a capture). Every other check is only counted.

(6) :func:`count` — one more check in the page's row for that local hour, by outcome; the page's
slot episode opened, extended or closed; the sample, if any, linked. In the caller's transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from creneau.catalog.models import BookingPage
from creneau.evidence.capture import Verdict, seal_page
from creneau.lib.browser import PageSnapshot
from creneau.observatory.models import OUTCOMES, CheckHour, Episode, ObservedPage, SealedCheck
from creneau.observatory.pages import observed

SLOTS = "slots_available"
CLOSING = frozenset({"no_slot", "closed"})
CONCLUSIVE = CLOSING | {SLOTS}


class Judged(Verdict, Protocol):
    """What the watcher's driver said of the page (a ``watch.classify.Classification``)."""


@dataclass(frozen=True)
class Sample:
    capture_id: str
    reason: str  # SealedCheck.Reason


def local_day(row: ObservedPage, at: datetime) -> date:
    return at.astimezone(ZoneInfo(row.time_zone)).date()


def sample_reason(outcome: str, episode_open: bool, sealed_today: int) -> str | None:
    """Why this check is sealed, or None: changes first, then the day's first conclusive one."""
    if outcome == SLOTS and not episode_open:
        return SealedCheck.Reason.APPEARED
    if outcome in CLOSING and episode_open:
        return SealedCheck.Reason.GONE
    if outcome in CONCLUSIVE and sealed_today == 0:
        return SealedCheck.Reason.DAILY
    return None


def seal_sample(
    page: BookingPage, snapshot: PageSnapshot | None, verdict: Judged | None, at: datetime
) -> Sample | None:
    """Step (5): seal this check when it is a sample (see the module docstring)."""
    if snapshot is None or verdict is None or settings.OBSERVATORY_SEALS_PER_DAY <= 0:
        return None
    row = observed(page)
    sealed_today = SealedCheck.objects.filter(observed=row, day=local_day(row, at)).count()
    if sealed_today >= settings.OBSERVATORY_SEALS_PER_DAY:
        return None
    episode_open = Episode.objects.filter(observed=row, closed_at__isnull=True).exists()
    reason = sample_reason(verdict.outcome, episode_open, sealed_today)
    if reason is None:
        return None
    sealed = seal_page(snapshot, verdict, note=f"observatory sample ({reason})")
    return Sample(sealed.capture_id, reason)


def count(
    page: BookingPage, outcome: str, at: datetime, sample: Sample | None = None
) -> ObservedPage:
    """Step (6): count the check, follow its episode, link its sample."""
    row = observed(page)
    local = at.astimezone(ZoneInfo(row.time_zone))
    kind = outcome if outcome in OUTCOMES else "unknown"
    _add(row, local.date(), local.hour, kind)
    _follow_episode(row, outcome, at)
    if sample is not None:
        SealedCheck.objects.create(
            observed=row,
            capture_id=sample.capture_id,
            at=at,
            day=local.date(),
            outcome=outcome,
            reason=sample.reason,
        )
    return row


def _add(row: ObservedPage, day: date, hour: int, kind: str) -> None:
    increments = {"checks": F("checks") + 1, kind: F(kind) + 1}
    cell = CheckHour.objects.filter(observed=row, day=day, hour=hour)
    if cell.update(**increments):
        return
    try:
        with transaction.atomic():
            CheckHour.objects.create(observed=row, day=day, hour=hour, checks=1, **{kind: 1})
    except IntegrityError:  # created by a concurrent check a moment ago
        cell.update(**increments)


def _follow_episode(row: ObservedPage, outcome: str, at: datetime) -> None:
    current = Episode.objects.filter(observed=row, closed_at__isnull=True)
    if outcome == SLOTS:
        if not current.update(last_seen=at, checks=F("checks") + 1):
            Episode.objects.create(observed=row, first_seen=at, last_seen=at, checks=1)
    elif outcome in CLOSING:
        current.update(closed_at=at)
