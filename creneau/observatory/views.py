"""The public observatory (no login, cacheable, no script) and its open data.

Public pages show the imported sources, and this installation's own pages only once every
organisation it hosts has agreed (``publication.installation_public``). They never read the
session or the user, so a shared cache may keep them (``Cache-Control: public``).
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from creneau.lib import signing
from creneau.observatory import charts, publication
from creneau.observatory.aggregates import (
    Filters,
    Group,
    by_prefecture,
    collect,
    national,
)
from creneau.observatory.document import (
    FORMAT,
    LICENCE,
    days_csv,
    document,
    episodes_csv,
    group_json,
    page_json,
    prefecture_extra,
    source_json,
)

MAX_AGE = 600  # seconds a cache may keep a public page (the counts move every few minutes)
SORTS: dict[str, Callable[[Group], Any]] = {
    "nom": lambda g: g.name.lower(),
    "departement": lambda g: g.key,
    "releves": lambda g: g.total.checks,
    "part": lambda g: g.total.share or 0.0,
    "dernier": lambda g: g.last_slots.timestamp() if g.last_slots else 0.0,
}


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return require_safe(cache_control(public=True, max_age=MAX_AGE)(view))


def _filters(request: HttpRequest, **fixed: Any) -> Filters:
    chosen: dict[str, Any] = {}
    for name in ("since", "until"):
        value = request.GET.get(name, "")
        if value:
            try:
                chosen[name] = datetime.date.fromisoformat(value)
            except ValueError:
                raise Http404(f"{name}: AAAA-MM-JJ") from None
    department = request.GET.get("department", "")
    if department:
        chosen["department"] = department
    return publication.public_filters(**(chosen | fixed))


def _sorted(groups: list[Group], request: HttpRequest) -> tuple[list[Group], str, bool]:
    key = request.GET.get("tri", "part")
    key = key if key in SORTS else "part"
    descending = request.GET.get("ordre", "desc" if key in {"part", "releves"} else "asc") == "desc"
    return sorted(groups, key=SORTS[key], reverse=descending), key, descending


@public
def home(request: HttpRequest) -> HttpResponse:
    views = collect(_filters(request), detail=False)
    groups, sort, descending = _sorted(by_prefecture(views), request)
    whole = national(views)
    context = {
        "groups": groups,
        "unattributed": [v for v in views if not v.row.prefecture_name],
        "total": whole.total,
        "sort": sort,
        "descending": descending,
        "first_day": whole.first_day,
        "last_day": whole.last_day,
        "sources": publication.shown_sources(),
        "local_public": publication.installation_public(),
    }
    return render(request, "observatory/home.html", context)


def _group(request: HttpRequest, department: str, slug: str) -> tuple[Group, Filters]:
    filters = _filters(request, department=department)
    key = f"{department}/{slug}"
    for group in by_prefecture(collect(filters)):
        if group.key == key:
            return group, filters
    raise Http404("préfecture sans relevé publié")


@public
def prefecture(request: HttpRequest, department: str, slug: str) -> HttpResponse:
    group, _filters_used = _group(request, department, slug)
    prefix = f"pref-{department}-{slug}"
    context = {
        "group": group,
        "total": group.total,
        "pages": group.pages,
        "episodes": group.episodes,
        "first_day": group.first_day,
        "last_day": group.last_day,
        "days_svg": mark_safe(charts.by_day_svg(group.by_day, prefix)),  # noqa: S308 (escaped)
        "hours_svg": mark_safe(charts.by_hour_svg(group.by_hour, prefix)),  # noqa: S308
        "weekdays_svg": mark_safe(charts.by_weekday_svg(group.by_weekday, prefix)),  # noqa: S308
    }
    return render(request, "observatory/prefecture.html", context)


@public
def method(request: HttpRequest) -> HttpResponse:
    low, _sep, high = settings.WATCH_MINUTES.partition("-")
    context = {
        "watch_hours": settings.WATCH_HOURS,
        "watch_days": settings.WATCH_DAYS,
        "watch_low": low,
        "watch_high": high or low,
        "refill_seconds": settings.POLITENESS_REFILL_SECONDS,
        "capacity": settings.POLITENESS_CAPACITY,
        "seals_per_day": settings.OBSERVATORY_SEALS_PER_DAY,
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "observatory/method.html", context)


@public
def data(request: HttpRequest) -> HttpResponse:
    key = signing.public_key() if publication.installation_public() else ""
    context = {
        "licence": LICENCE,
        "format": FORMAT,
        "public_key": key,
        "fingerprint": signing.fingerprint(key) if key else "",
        "sources": publication.shown_sources(),
        "local_public": publication.installation_public(),
    }
    return render(request, "observatory/data.html", context)


def _json(found: dict[str, Any] | list[Any]) -> JsonResponse:
    response = JsonResponse(found, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@public
def download_json(request: HttpRequest) -> JsonResponse:
    filters = _filters(request)
    views = collect(filters)
    found = document(
        views, publication.shown_sources(), filters, public=publication.installation_public()
    )
    return _json(found)


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
def download_days(request: HttpRequest) -> HttpResponse:
    return _csv(days_csv(collect(_filters(request))), "observatoire-jours.csv")


@public
def download_episodes(request: HttpRequest) -> HttpResponse:
    return _csv(episodes_csv(collect(_filters(request))), "observatoire-episodes.csv")


@public
def download_signed(request: HttpRequest) -> HttpResponse:
    try:
        body = publication.signed_file()
    except publication.PublicationError:
        raise Http404("cette installation ne publie pas ses agrégats") from None
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="observatoire-signe.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
def api_index(request: HttpRequest) -> JsonResponse:
    return _json(
        {
            "format": FORMAT,
            "licence": LICENCE,
            "endpoints": {
                "prefectures": reverse("observatory-api-prefectures"),
                "prefecture": reverse(
                    "observatory-api-prefecture", args=["DEPARTEMENT", "PREFECTURE"]
                ),
                "page": reverse("observatory-api-page", args=["SOURCE", "PAGE"]),
                "everything": reverse("observatory-json"),
            },
            "parameters": ["department", "since", "until"],
            "sources": [source_json(s) for s in publication.shown_sources()],
        }
    )


@public
def api_prefectures(request: HttpRequest) -> JsonResponse:
    views = collect(_filters(request), detail=False)
    groups = by_prefecture(views)
    return _json(
        {
            "format": FORMAT,
            "licence": LICENCE,
            "prefectures": [group_json(g, prefecture_extra(g), detail=False) for g in groups],
        }
    )


@public
def api_prefecture(request: HttpRequest, department: str, slug: str) -> JsonResponse:
    group, _filters_used = _group(request, department, slug)
    found = group_json(group, prefecture_extra(group))
    return _json({"format": FORMAT, "licence": LICENCE, "prefecture": found})


@public
def api_page(request: HttpRequest, source: str, key: str) -> JsonResponse:
    filters = _filters(request, keys=(key,))
    views = [v for v in collect(filters) if v.row.source.key == source]
    if not views:
        raise Http404("page sans relevé publié")
    return _json({"format": FORMAT, "licence": LICENCE, "page": page_json(views[0])})
