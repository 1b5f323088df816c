"""The observatory's data as JSON and CSV: one shape for the command line, the downloads and the
API. Keys are stable (format ``creneau-observatory/1``); docs/observatory.md is the dictionary.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from creneau.observatory.aggregates import (
    Counts,
    Filters,
    Group,
    PageView,
    by_department,
    by_prefecture,
    by_procedure,
    national,
    prefecture_key,
)
from creneau.observatory.models import OUTCOMES, Episode, Source

FORMAT = "creneau-observatory/1"
LICENCE = {
    "name": "Licence Ouverte 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def episode_json(episode: Episode, page: PageView | None = None) -> dict[str, Any]:
    found = {
        "first_seen": _utc(episode.first_seen),
        "last_seen": _utc(episode.last_seen),
        "closed_at": _utc(episode.closed_at),
        "checks": episode.checks,
        "seen_seconds": int((episode.last_seen - episode.first_seen).total_seconds()),
    }
    if page is not None:
        found = {"source": page.row.source.key, "page": page.row.key, **found}
    return found


def _series(counts: dict[Any, Counts], name: str) -> list[dict[str, Any]]:
    return [
        {name: key.isoformat() if isinstance(key, date) else key, **value.as_dict()}
        for key, value in counts.items()
    ]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _detail(
    total: Counts, span: tuple[date | None, date | None], by_day: dict[date, Counts], detail: bool
) -> dict[str, Any]:
    found: dict[str, Any] = {
        **total.as_dict(),
        "first_day": _day(span[0]),
        "last_day": _day(span[1]),
    }
    if detail:
        found["days"] = len(by_day)
        found["days_with_slots"] = sum(1 for counts in by_day.values() if counts.with_slots)
    return found


def page_json(view: PageView, *, detail: bool = True) -> dict[str, Any]:
    row = view.row
    found: dict[str, Any] = {
        "source": row.source.key,
        "key": row.key,
        "url": row.url,
        "system": row.system,
        "department": row.department_id,
        "prefecture": prefecture_key(row),
        "procedure": row.procedure_id,
        "time_zone": row.time_zone,
        **_detail(view.total, (view.first_day, view.last_day), view.by_day, detail),
        "sealed": view.sealed if row.source.local else None,
        "last_slots_seen": _utc(max((e.last_seen for e in view.episodes), default=None)),
        "episodes": [episode_json(e) for e in view.episodes],
    }
    if detail:
        found["by_day"] = _series(view.by_day, "day")
        found["by_hour"] = _series(view.by_hour, "hour")
        found["by_weekday"] = _series(view.by_weekday, "weekday")
    return found


def group_json(group: Group, extra: dict[str, Any], *, detail: bool = True) -> dict[str, Any]:
    found: dict[str, Any] = {
        "key": group.key,
        "name": group.name,
        **extra,
        "pages": [{"source": p.row.source.key, "key": p.row.key} for p in group.pages],
        **_detail(group.total, (group.first_day, group.last_day), group.by_day, detail),
        "last_slots_seen": _utc(group.last_slots),
        "episodes": [episode_json(e, p) for p, e in group.episodes],
    }
    if detail:
        found["by_day"] = _series(group.by_day, "day")
        found["by_hour"] = _series(group.by_hour, "hour")
        found["by_weekday"] = _series(group.by_weekday, "weekday")
    return found


def source_json(source: Source) -> dict[str, Any]:
    return {
        "key": source.key,
        "local": source.local,
        "name": source.name,
        "url": source.url,
        "public_key": source.public_key or None,
        "generated_at": _utc(source.generated_at),
        "imported_at": _utc(source.imported_at),
    }


def prefecture_extra(group: Group) -> dict[str, Any]:
    row = group.pages[0].row
    return {"department": row.department_id, "kind": row.prefecture_kind}


def document(
    views: Sequence[PageView],
    sources: Iterable[Source],
    filters: Filters,
    *,
    public: bool,
    detail: bool = True,
) -> dict[str, Any]:
    """The whole answer of ``creneau observatory --json`` (and of the JSON download)."""
    whole = national(views)
    return {
        "format": FORMAT,
        "generated_at": _utc(timezone.now()),
        "filters": {
            "department": filters.department,
            "since": filters.since.isoformat() if filters.since else None,
            "until": filters.until.isoformat() if filters.until else None,
        },
        "public": public,
        "licence": LICENCE,
        "outcomes": list(OUTCOMES),
        "sources": [source_json(source) for source in sources],
        "first_day": _day(whole.first_day),
        "last_day": _day(whole.last_day),
        "pages": [page_json(view, detail=detail) for view in views],
        "prefectures": [
            group_json(g, prefecture_extra(g), detail=detail) for g in by_prefecture(views)
        ],
        "departments": [group_json(g, {}, detail=detail) for g in by_department(views)],
        "procedures": [group_json(g, {}, detail=detail) for g in by_procedure(views)],
        "national": group_json(national(views), {}, detail=detail),
    }


CSV_DAYS = (
    "source",
    "page",
    "url",
    "system",
    "department",
    "prefecture",
    "procedure",
    "day",
    "checks",
    "with_slots",
    "share_with_slots",
    *OUTCOMES,
)
CSV_EPISODES = (
    "source",
    "page",
    "url",
    "department",
    "prefecture",
    "first_seen",
    "last_seen",
    "closed_at",
    "checks",
    "seen_seconds",
)


def _page_columns(view: PageView) -> list[Any]:
    row = view.row
    return [row.source.key, row.key, row.url, row.system, row.department_id or ""]


def days_csv(views: Sequence[PageView]) -> str:
    """One line per page and local day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_DAYS)
    for view in views:
        common = [*_page_columns(view), prefecture_key(view.row) or "", view.row.procedure_id or ""]
        for day, counts in view.by_day.items():
            share = "" if counts.share is None else f"{counts.share:.4f}"
            outcomes = [counts.outcomes[name] for name in OUTCOMES]
            writer.writerow(
                [*common, day.isoformat(), counts.checks, counts.with_slots, share, *outcomes]
            )
    return out.getvalue()


def episodes_csv(views: Sequence[PageView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_EPISODES)
    for view in views:
        row = view.row
        for episode in view.episodes:
            data = episode_json(episode)
            writer.writerow(
                [
                    row.source.key,
                    row.key,
                    row.url,
                    row.department_id or "",
                    prefecture_key(row) or "",
                    data["first_seen"],
                    data["last_seen"],
                    data["closed_at"] or "",
                    data["checks"],
                    data["seen_seconds"],
                ]
            )
    return out.getvalue()


def local_time(moment: datetime, view: PageView) -> datetime:
    return moment.astimezone(ZoneInfo(view.row.time_zone))
