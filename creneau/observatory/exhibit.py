"""The figures of an availability record (« Relevé de disponibilité »), and what proves them.

Everything here is read from stored rows: the hour counts (figures), the episodes, the sealed
checks (each a capture with its manifest and tokens) and the page's day journal with its
anchors. ``court`` draws the exhibit from it; the same figures as the public pages, for the
same page and days (``aggregates.collect``). Nothing is claimed beyond:

- sealed checks: each verifiable on its own (manifest, SHA-256 of every artefact, RFC 3161);
- counted checks: only their numbers per hour, in day entries chained after each day ended and
  timestamped; the chain proves the numbers were not changed after their anchor, not that each
  counted check happened.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from creneau.evidence.models import Capture
from creneau.observatory import journal
from creneau.observatory.aggregates import Counts, Filters, PageView, collect
from creneau.observatory.models import DayAnchor, DayEntry, ObservedPage, SealedCheck


@dataclass(frozen=True)
class SealedRow:
    at: datetime
    outcome: str
    reason: str
    capture: Capture


@dataclass
class Record:
    observed: ObservedPage
    first_day: date
    last_day: date
    view: PageView
    sealed: list[SealedRow] = field(default_factory=list)
    entries: list[DayEntry] = field(default_factory=list)  # the period's day entries
    anchors: list[DayAnchor] = field(default_factory=list)
    chain: list[dict[str, Any]] = field(default_factory=list)  # from the first entry on

    @property
    def total(self) -> Counts:
        return self.view.total

    @property
    def days_observed(self) -> int:
        return len(self.view.by_day)

    @property
    def days_in_period(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def days_with_slots(self) -> int:
        return sum(1 for counts in self.view.by_day.values() if counts.with_slots)

    @property
    def unchained_days(self) -> list[date]:
        """Observed days of the period with no journal entry (the job has not closed them)."""
        chained = {entry.day for entry in self.entries}
        return [day for day in self.view.by_day if day not in chained]

    @property
    def sealed_tokens(self) -> int:
        return sum(1 for row in self.sealed if row.capture.seal.state == "sealed")


def record(observed: ObservedPage, first_day: date, last_day: date) -> Record:
    filters = Filters(
        keys=(observed.key,), sources=(observed.source_id,), since=first_day, until=last_day
    )
    views = collect(filters)
    view = views[0] if views else PageView(observed)
    sealed = (
        SealedCheck.objects.filter(observed=observed, day__gte=first_day, day__lte=last_day)
        .select_related("capture__seal__manifest")
        .prefetch_related("capture__seal__tokens__response", "capture__seal__artefacts__blob")
        .order_by("at")
    )
    entries = list(
        DayEntry.objects.filter(observed=observed, day__gte=first_day, day__lte=last_day)
    )
    anchors = list(
        DayAnchor.objects.filter(entry__observed=observed, entry__day__lte=last_day)
        .select_related("entry", "response")
        .order_by("entry__sequence", "id")
    )
    return Record(
        observed=observed,
        first_day=first_day,
        last_day=last_day,
        view=view,
        sealed=[SealedRow(s.at, s.outcome, s.reason, s.capture) for s in sealed],
        entries=entries,
        anchors=anchors,
        chain=journal.export(observed, last_day),
    )
