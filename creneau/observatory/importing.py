"""Another installation's verified data into this one's tables, under its source.

Each import replaces everything the source said before (its file holds its whole history).
Every value is checked before anything is written: a file that does not follow the format is
refused whole, with the reason.
"""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creneau.catalog.models import Department, Procedure
from creneau.observatory.journal import HOUR_COLUMNS
from creneau.observatory.models import CheckHour, Episode, ObservedPage, Source

_KEY = re.compile(r"[0-9a-f]{16}")
_URL = re.compile(r"https?://[^\s?#]{1,490}")


class ImportRefusedError(Exception):
    """A file that is not imported, and why (in French, for the operator)."""


def _text(value: Any, limit: int, what: str) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ImportRefusedError(f"{what} : texte attendu ({limit} caractères au plus)")
    return value


def _day(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ImportRefusedError(f"jour illisible : {value!r}") from None


def _moment(value: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ImportRefusedError(f"{what} illisible : {value!r}") from None
    if moment.tzinfo is None:
        raise ImportRefusedError(f"{what} sans fuseau horaire : {value!r}")
    return moment


def _hours(row: ObservedPage, day: date, cells: Any) -> list[CheckHour]:
    found = []
    for cell in cells if isinstance(cells, list) else [None]:
        if (
            not isinstance(cell, list)
            or len(cell) != len(HOUR_COLUMNS)
            or not all(isinstance(n, int) and n >= 0 for n in cell)
            or cell[0] > 23
            or cell[1] != sum(cell[2:])
        ):
            raise ImportRefusedError(f"{row.url} {day} : heure mal formée {cell!r}")
        values = dict(zip(HOUR_COLUMNS, cell, strict=True))
        found.append(CheckHour(observed=row, day=day, **values))
    return found


def _episode(row: ObservedPage, data: Any) -> Episode:
    if not isinstance(data, dict):
        raise ImportRefusedError(f"{row.url} : épisode mal formé")
    closed = data.get("closed_at")
    checks = data.get("checks")
    if not isinstance(checks, int) or checks < 1:
        raise ImportRefusedError(f"{row.url} : nombre de relevés d'un épisode mal formé")
    return Episode(
        observed=row,
        first_seen=_moment(data.get("first_seen"), "début d'épisode"),
        last_seen=_moment(data.get("last_seen"), "fin d'épisode"),
        closed_at=_moment(closed, "clôture d'épisode") if closed else None,
        checks=checks,
    )


def _page(source: Source, data: Any) -> ObservedPage:
    if not isinstance(data, dict):
        raise ImportRefusedError("page mal formée")
    key, url = data.get("key"), data.get("url")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ImportRefusedError(f"clé de page mal formée : {key!r}")
    if not isinstance(url, str) or not _URL.fullmatch(url):
        raise ImportRefusedError(f"adresse de page refusée : {url!r}")
    zone = _text(data.get("time_zone"), 40, "fuseau horaire")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportRefusedError(f"fuseau horaire inconnu : {zone!r}") from None
    site = data.get("prefecture") or {}
    if not isinstance(site, dict):
        raise ImportRefusedError(f"{url} : préfecture mal formée")
    department = data.get("department")
    procedure = data.get("procedure")
    return ObservedPage(
        source=source,
        key=key,
        url=url,
        system=_text(data.get("system") or "", 30, "système"),
        department=Department.objects.filter(pk=str(department)).first() if department else None,
        prefecture_name=_text(site.get("name") or "", 150, "préfecture"),
        prefecture_kind=_text(site.get("kind") or "", 30, "type de préfecture"),
        procedure=Procedure.objects.filter(pk=str(procedure)).first() if procedure else None,
        time_zone=zone,
        published=True,
    )


def _days(row: ObservedPage, days: Any) -> list[CheckHour]:
    if not isinstance(days, list):
        raise ImportRefusedError(f"{row.url} : jours absents")
    hours = []
    for entry in days:
        if not isinstance(entry, dict):
            raise ImportRefusedError(f"{row.url} : jour mal formé")
        hours += _hours(row, _day(entry.get("day")), entry.get("hours"))
    if len({(h.day, h.hour) for h in hours}) != len(hours):
        raise ImportRefusedError(f"{row.url} : une heure figure deux fois")
    return hours


def replace_pages(source: Source, data: dict[str, Any]) -> int:
    """Check every page of ``data``, then replace the source's pages with them."""
    pages = data.get("pages")
    if not isinstance(pages, list):
        raise ImportRefusedError("liste de pages absente")
    if data.get("hour_columns") != list(HOUR_COLUMNS):
        raise ImportRefusedError(f"colonnes horaires inattendues (attendu : {list(HOUR_COLUMNS)})")
    parsed = []
    for page in pages:
        row = _page(source, page)
        episodes = [_episode(row, item) for item in page.get("episodes") or []]
        if sum(1 for episode in episodes if episode.closed_at is None) > 1:
            raise ImportRefusedError(f"{row.url} : deux épisodes ouverts à la fois")
        parsed.append((row, _days(row, page.get("days")), episodes))
    if len({row.key for row, _h, _e in parsed}) != len(parsed):
        raise ImportRefusedError("une page figure deux fois")
    ObservedPage.objects.filter(source=source).delete()
    for row, hours, episodes in parsed:
        row.save()
        CheckHour.objects.bulk_create(hours, batch_size=1000)
        Episode.objects.bulk_create(episodes, batch_size=1000)
    return len(parsed)
