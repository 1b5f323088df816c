"""System A: the legacy per-prefecture ``booking/create`` module (eZ Publish extension).

Flow: ``/0`` conditions checkbox → ``/1`` desk choice (only when the démarche has several
desks) → ``/2`` the « Il n'existe plus de plage horaire libre… » form, or ``/3`` description then
``/4`` calendar with free cells. Steps are server-side session state (cookie ``eZSESSID``):
a step reached without the previous POSTs sends the visitor back to ``/0``.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from creneau.simulators.base import Context, Request, Response, page, redirect, session_for

SYSTEM = "legacy"
ENTRY_PATHS = ("/93/booking/create/9845/0", "/92/booking/create/4462/0")
COOKIE = "eZSESSID"

DEPARTMENTS = {
    "92": "des Hauts-de-Seine",
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "95": "du Val-d'Oise",
}


@dataclass(frozen=True)
class BookingForm:
    title: str
    desks: tuple[str, ...]  # empty: a single desk, the result comes right after step 0


FORMS = {
    "9845": BookingForm(
        "Demande de titre de séjour – première demande",
        (
            "Première demande de titre de séjour - GUICHET 1 - Bobigny",
            "Première demande de titre de séjour - GUICHET 2 - Bobigny",
        ),
    ),
    "4462": BookingForm("Remise d'un titre de séjour", ()),
}
DEFAULT_FORM = BookingForm(
    "Dépôt d'une demande de titre de séjour",
    ("Dépôt de demande - GUICHET A", "Dépôt de demande - GUICHET B"),
)
STEP_LABELS = (
    "Prise de rendez-vous",
    "Descriptif",
    "Choix d'une plage",
    "Contrôle de sécurité",
    "Cordonnées personnelles",  # sic, as on the real sites
    "Valider et terminer",
)
# Which label of the text header is active on each URL step.
ACTIVE_LABEL = {0: 1, 1: 1, 2: 2, 3: 2, 4: 3, 6: 4}


def _base(match: "re.Match[str]") -> str:
    return f"/{match['dep']}{match['php'] or ''}/booking/create/{match['form']}"


def _context(dep: str, form_id: str, base: str, step: int, **extra: Any) -> dict[str, Any]:
    """Template context; ``step`` is the URL step, shown by the progress images (``etape_<n>r``)."""
    return {
        "department": DEPARTMENTS.get(dep, f"du département {dep}"),
        "form": FORMS.get(form_id, DEFAULT_FORM),
        "form_id": form_id,
        "base": base,
        "image": max(step, 1),
        "active": ACTIVE_LABEL.get(step, 1),
        "steps": [(number, label) for number, label in enumerate(STEP_LABELS, start=1)],
        **extra,
    }


def _render(template: str, match: "re.Match[str]", step: int, **extra: Any) -> Response:
    context = _context(match["dep"], match["form"], _base(match), step, **extra)
    return page(f"legacy/{template}", context)


def free_slots(now: datetime | None = None) -> list[datetime]:
    """Three free slots next week, at fixed morning times."""
    start = (now or datetime.now()).date() + timedelta(days=7)
    monday = start - timedelta(days=start.weekday())
    return [
        datetime.combine(monday + timedelta(days=day), time(hour, minute))
        for day, hour, minute in ((1, 9, 10), (1, 9, 30), (3, 14, 20))
    ]


def booking(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    step = int(match["step"] or 0)
    session, cookie = session_for(request, ctx, COOKIE)
    progress: dict[str, int] = session.setdefault("legacy", {})
    form_id = match["form"]
    if ctx.state.state == "closed":
        return _with_cookie(_render("closed.html", match, 0), cookie)
    if step > 0 and form_id not in progress:
        return redirect(f"{_base(match)}/0", *cookie)
    handler = POST_STEPS if request.method == "POST" else GET_STEPS
    response = handler.get(step, _not_found)(request, match, ctx, progress)
    return _with_cookie(response, cookie)


def _with_cookie(response: Response, cookie: tuple[tuple[str, str], ...]) -> Response:
    return Response(
        response.status, response.body, response.content_type, response.headers + cookie
    )


def _result(match: "re.Match[str]", ctx: Context) -> Response:
    step = 3 if ctx.state.state == "slots" else 2
    return redirect(f"{_base(match)}/{step}")


def _get_conditions(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return _render("conditions.html", match, 0)


def _post_conditions(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    if req.field("condition") != "on":
        return _render("conditions.html", match, 0, error=True)
    progress[match["form"]] = 0
    if FORMS.get(match["form"], DEFAULT_FORM).desks:
        return redirect(f"{_base(match)}/1")
    return _result(match, ctx)


def _get_desks(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return _render("desks.html", match, 1)


def _post_desks(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    if not req.field("planning"):
        return _render("desks.html", match, 1, error=True)
    progress[match["form"]] = 1
    return _result(match, ctx)


def _get_no_slot(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return _render("no_slot.html", match, 2)


def _post_finish(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    progress.pop(match["form"], None)
    return redirect(f"{_base(match)}/0")


def _get_description(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return _render("description.html", match, 3)


def _post_description(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return redirect(f"{_base(match)}/4")


def _get_calendar(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    slots = free_slots() if ctx.state.state == "slots" else []
    return _render("calendar.html", match, 4, week=_week(slots), slots=slots)


def _post_calendar(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    slots = free_slots() if ctx.state.state == "slots" else []
    if not slots:
        return redirect(f"{_base(match)}/2")
    return redirect(f"{_base(match)}/5/{int(slots[0].timestamp())}")


def _not_found(
    req: Request, match: "re.Match[str]", ctx: Context, progress: dict[str, int]
) -> Response:
    return Response(status=404, body="<h1>Page introuvable</h1>")


GET_STEPS = {
    0: _get_conditions,
    1: _get_desks,
    2: _get_no_slot,
    3: _get_description,
    4: _get_calendar,
}
POST_STEPS = {
    0: _post_conditions,
    1: _post_desks,
    2: _post_finish,
    3: _post_description,
    4: _post_calendar,
}


def _week(slots: list[datetime]) -> list[dict[str, Any]]:
    """A weekly grid (5 days × 4 times) where only the given slots are free."""
    start = datetime.now().date() + timedelta(days=7)
    monday = start - timedelta(days=start.weekday())
    times = [time(9, 10), time(9, 30), time(14, 20), time(15, 0)]
    free = {slot: int(slot.timestamp()) for slot in slots}
    rows = []
    for moment in times:
        cells = []
        for day in range(5):
            when = datetime.combine(monday + timedelta(days=day), moment)
            cells.append({"when": when, "ts": free.get(when)})
        rows.append({"time": moment, "cells": cells})
    days = [monday + timedelta(days=day) for day in range(5)]
    return [{"days": days, "rows": rows}]


def held_slot(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    """Step 5/6: the slot is held and a reCAPTCHA « Contrôle de sécurité » follows."""
    when = datetime.fromtimestamp(int(match["ts"]))
    return _render("security.html", match, 6, when=when)


def planning_fragment(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    """The read-only AJAX week table (``ezjscore/call/bookingserver::planning::assign``)."""
    slots = free_slots() if ctx.state.state == "slots" else []
    base = f"/booking/create/{match['form']}"
    context = _context("", match["form"], base, 4, week=_week(slots), slots=slots)
    return page("legacy/planning_fragment.html", context)


def step_image(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    active = match["name"].endswith("r")
    colour = "#000091" if active else "#b7b7b7"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">'
        f'<circle cx="12" cy="12" r="11" fill="{colour}"/></svg>'
    )
    return Response(body=svg, content_type="image/svg+xml")


_PREFIX = r"^/(?P<dep>[0-9AB]{2,3})(?P<php>/index\.php)?/booking/create/(?P<form>\d+)"
ROUTES = (
    (re.compile(_PREFIX + r"(?:/(?P<step>[0-4]))?/?$"), booking),
    (re.compile(_PREFIX + r"/5/(?P<ts>\d+)$"), held_slot),
    (
        re.compile(
            r"^/ezjscore/call/bookingserver::planning::assign::(?P<form>\d+)::(?P<planning>\d+)"
            r"::(?P<offset>\d+)$"
        ),
        planning_fragment,
    ),
    (re.compile(r"^/extension/ide_site/design/images/(?P<name>etape_\d+r?)\.png$"), step_image),
)
