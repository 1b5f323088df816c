"""The aggregates behind the public pages, the downloads and ``creneau observatory --json``.

``collect`` reads the hour counts of the chosen pages in a few grouped queries (totals, then by
day, by hour and by weekday when ``detail``), and the pages' episodes; ``Group`` rolls pages up
per prefecture site, département, démarche and for the whole country. Shares are computed
here, never stored: ``share_with_slots`` = checks with slots ÷ checks (all outcomes), None
without checks. Its complement is not « no slot »: the ``outcomes`` say what the other checks
answered. Days, hours and weekdays are each page's local ones.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils.text import slugify

from creneau.observatory.models import OUTCOMES, CheckHour, Episode, ObservedPage, SealedCheck

SLOTS = "slots_available"


@dataclass
class Counts:
    checks: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Counts":
        return cls(int(row["checks"] or 0), {name: int(row[name] or 0) for name in OUTCOMES})

    def add(self, other: "Counts") -> None:
        self.checks += other.checks
        for name in OUTCOMES:
            self.outcomes[name] += other.outcomes[name]

    @property
    def with_slots(self) -> int:
        return self.outcomes[SLOTS]

    @property
    def share(self) -> float | None:
        return round(self.with_slots / self.checks, 4) if self.checks else None

    @property
    def percent(self) -> Decimal | None:
        """The share in percent, to one decimal, rounded half up from the exact counts."""
        if not self.checks:
            return None
        exact = Decimal(self.with_slots) * 100 / Decimal(self.checks)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checks": self.checks,
            "with_slots": self.with_slots,
            "share_with_slots": self.share,
            "outcomes": dict(self.outcomes),
        }


def french_percent(value: Decimal | None) -> str:
    """« 2,2 % » (non-breaking space), « — » for no value."""
    return "—" if value is None else f"{str(value).replace('.', ',')}\u00a0%"


@dataclass
class PageView:
    row: ObservedPage
    total: Counts = field(default_factory=Counts)
    by_day: dict[date, Counts] = field(default_factory=dict)
    by_hour: dict[int, Counts] = field(default_factory=dict)
    by_weekday: dict[int, Counts] = field(default_factory=dict)  # ISO: 1 = Monday
    episodes: list[Episode] = field(default_factory=list)
    sealed: int = 0
    first_day: date | None = None
    last_day: date | None = None


@dataclass
class Group:
    """Pages rolled up: a prefecture site, a département, a démarche, the country."""

    key: str
    name: str
    pages: list[PageView] = field(default_factory=list)

    def _merged(self, attribute: str) -> dict[Any, Counts]:
        merged: dict[Any, Counts] = defaultdict(Counts)
        for page in self.pages:
            for key, counts in getattr(page, attribute).items():
                merged[key].add(counts)
        return dict(sorted(merged.items()))

    @property
    def total(self) -> Counts:
        total = Counts()
        for page in self.pages:
            total.add(page.total)
        return total

    @property
    def by_day(self) -> dict[date, Counts]:
        return self._merged("by_day")

    @property
    def by_hour(self) -> dict[int, Counts]:
        return self._merged("by_hour")

    @property
    def by_weekday(self) -> dict[int, Counts]:
        return self._merged("by_weekday")

    @property
    def episodes(self) -> list[tuple[PageView, Episode]]:
        found = [(page, episode) for page in self.pages for episode in page.episodes]
        return sorted(found, key=lambda pair: pair[1].first_seen)

    @property
    def last_slots(self) -> datetime | None:
        return max((e.last_seen for _p, e in self.episodes), default=None)

    @property
    def first_day(self) -> date | None:
        return min((p.first_day for p in self.pages if p.first_day), default=None)

    @property
    def last_day(self) -> date | None:
        return max((p.last_day for p in self.pages if p.last_day), default=None)


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    since: date | None = None
    until: date | None = None
    sources: tuple[int, ...] | None = None  # Source ids; None: every source
    published_only: bool = False
    keys: tuple[str, ...] | None = None  # page keys


def pages_for(filters: Filters) -> "QuerySet[ObservedPage]":
    rows = ObservedPage.objects.select_related("source", "department", "procedure")
    if filters.department:
        rows = rows.filter(department_id=filters.department)
    if filters.sources is not None:
        rows = rows.filter(source_id__in=filters.sources)
    if filters.published_only:
        rows = rows.filter(published=True)
    if filters.keys is not None:
        rows = rows.filter(key__in=filters.keys)
    return rows.order_by("department_id", "prefecture_name", "url", "source_id")


def _hours(filters: Filters, ids: Sequence[int]) -> "QuerySet[CheckHour]":
    rows = CheckHour.objects.filter(observed_id__in=ids)
    if filters.since:
        rows = rows.filter(day__gte=filters.since)
    if filters.until:
        rows = rows.filter(day__lte=filters.until)
    return rows


_SUMS = {name: Sum(name) for name in ("checks", *OUTCOMES)}


def collect(filters: Filters, *, detail: bool = True) -> list[PageView]:
    """The chosen pages with their counts (pages without a check in the period left out)."""
    views = {row.pk: PageView(row) for row in pages_for(filters)}
    hours = _hours(filters, list(views))
    for row in hours.values("observed_id").annotate(**_SUMS, first=Min("day"), last=Max("day")):
        view = views[row["observed_id"]]
        view.total, view.first_day, view.last_day = Counts.of(row), row["first"], row["last"]
    found = {pk: view for pk, view in views.items() if view.total.checks}
    if detail:
        _detail(hours, found)
    _episodes(filters, found)
    _sealed(filters, found)
    return list(found.values())


def _detail(hours: "QuerySet[CheckHour]", views: dict[int, PageView]) -> None:
    for row in hours.values("observed_id", "day").annotate(**_SUMS):
        views[row["observed_id"]].by_day[row["day"]] = Counts.of(row)
    for row in hours.values("observed_id", "hour").annotate(**_SUMS):
        views[row["observed_id"]].by_hour[row["hour"]] = Counts.of(row)
    weekdays = hours.annotate(weekday=ExtractIsoWeekDay("day"))
    for row in weekdays.values("observed_id", "weekday").annotate(**_SUMS):
        views[row["observed_id"]].by_weekday[row["weekday"]] = Counts.of(row)
    for view in views.values():
        view.by_day = dict(sorted(view.by_day.items()))
        view.by_hour = dict(sorted(view.by_hour.items()))
        view.by_weekday = dict(sorted(view.by_weekday.items()))


def _episodes(filters: Filters, views: dict[int, PageView]) -> None:
    """Episodes that overlap the period (local days of their page)."""
    for episode in Episode.objects.filter(observed_id__in=list(views)).order_by("first_seen"):
        view = views[episode.observed_id]
        zone = ZoneInfo(view.row.time_zone)
        if filters.since and episode.last_seen.astimezone(zone).date() < filters.since:
            continue
        if filters.until and episode.first_seen.astimezone(zone).date() > filters.until:
            continue
        view.episodes.append(episode)


def _sealed(filters: Filters, views: dict[int, PageView]) -> None:
    rows = SealedCheck.objects.filter(observed_id__in=list(views))
    if filters.since:
        rows = rows.filter(day__gte=filters.since)
    if filters.until:
        rows = rows.filter(day__lte=filters.until)
    for row in rows.values("observed_id").annotate(count=Count("id")):
        views[row["observed_id"]].sealed = row["count"]


# --- Roll-ups ------------------------------------------------------------------------------


def prefecture_key(row: ObservedPage) -> str | None:
    if not row.prefecture_name:
        return None
    return f"{row.department_id or '-'}/{slugify(row.prefecture_name)}"


def _grouped(pages: Iterable[PageView], key_name: Any) -> list[Group]:
    groups: dict[str, Group] = {}
    for page in pages:
        found = key_name(page.row)
        if found is None:
            continue
        key, name = found
        groups.setdefault(key, Group(key, name)).pages.append(page)
    return sorted(groups.values(), key=lambda g: g.key)


def by_prefecture(pages: Iterable[PageView]) -> list[Group]:
    def key(row: ObservedPage) -> tuple[str, str] | None:
        found = prefecture_key(row)
        return (found, row.prefecture_name) if found else None

    return _grouped(pages, key)


def by_department(pages: Iterable[PageView]) -> list[Group]:
    def key(row: ObservedPage) -> tuple[str, str] | None:
        department = row.department
        return (department.code, department.name) if department else None

    return _grouped(pages, key)


def by_procedure(pages: Iterable[PageView]) -> list[Group]:
    def key(row: ObservedPage) -> tuple[str, str] | None:
        procedure = row.procedure
        return (procedure.slug, procedure.label) if procedure else None

    return _grouped(pages, key)


def national(pages: Iterable[PageView]) -> Group:
    return Group("national", "France", list(pages))
