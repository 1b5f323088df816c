"""System B: « RDV Préfecture », the Ministry of the Interior's national platform.

Flow: ``/rdvpref/reservation/demarche/<id>/`` → ``cgu/`` (conditions and a CaptchEtat-like image
captcha, always) → POST ``_validerCaptcha`` → ``creneau/`` (« Aucun créneau disponible » or
« Choisissez votre créneau » with time buttons). A wrong code returns to
``cgu/?error=invalidCaptcha``; an expired session (state ``expired``, or a validated session older
than ``SESSION_SECONDS``) returns to ``cgu/?error=errorSessionInvalide``.

The captcha code is drawn in the image for a person to read; tests play that person through
``SimulatorServer.captcha_code``. Software never reads the image.
"""

import base64
import json
import re
import secrets
import time as clock
from datetime import datetime, timedelta
from typing import Any

from creneau.simulators.base import Context, Request, Response, page, redirect, session_for

SYSTEM = "rdv_prefecture"
ENTRY_PATHS = (
    "/rdvpref/reservation/demarche/4409/cgu/",
    "/rdvpref/reservation/demarche/16040/cgu/",
)
COOKIE = "JSESSIONID"
SESSION_SECONDS = 600
MAINTENANCE_TEMPLATE = "rdv_prefecture/maintenance.html"

DEMARCHES = {
    "4409": ("Préfecture de l'Essonne", "Demande de titre de séjour – Palaiseau"),
    "16040": ("Préfecture du Val-de-Marne", "Remise de titre de séjour – Créteil"),
}


def _demarche(number: str) -> tuple[str, str]:
    return DEMARCHES.get(number, ("Préfecture", f"Démarche n° {number}"))


def _base(match: "re.Match[str]") -> str:
    return f"/rdvpref/reservation/demarche/{match['id']}"


def landing(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    return redirect(f"{_base(match)}/cgu/")


def conditions(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    if ctx.state.state == "closed":
        return _closed(match)
    session, cookie = session_for(request, ctx, COOKIE, "/rdvpref/")
    captcha_id = secrets.token_hex(12)
    session.setdefault("captchas", {})[captcha_id] = ctx.captcha_code
    prefecture, title = _demarche(match["id"])
    response = page(
        "rdv_prefecture/cgu.html",
        {
            "base": _base(match),
            "prefecture": prefecture,
            "title": title,
            "captcha_id": captcha_id,
            "token": secrets.token_urlsafe(24),
            "image": captcha_image(ctx.captcha_code),
            "error": request.query.get("error", ""),
        },
    )
    return Response(response.status, response.body, headers=cookie)


def validate(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    session = ctx.sessions.get(request.cookies.get(COOKIE, ""))
    if session is None:
        return redirect(f"{_base(match)}/cgu/?error=errorSessionInvalide")
    expected = session.get("captchas", {}).pop(request.field("captchaId"), None)
    answer = request.field("captchaUsercode").strip().upper()
    if expected is None or answer != expected:
        return redirect(f"{_base(match)}/cgu/?error=invalidCaptcha")
    session["validated"] = clock.monotonic()
    return redirect(f"{_base(match)}/creneau/")


def slots_page(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    if ctx.state.state == "closed":
        return _closed(match)
    session = ctx.sessions.get(request.cookies.get(COOKIE, ""))
    validated = (session or {}).get("validated")
    fresh = validated is not None and clock.monotonic() - validated < SESSION_SECONDS
    if not fresh or ctx.state.state == "expired":
        return redirect(f"{_base(match)}/cgu/?error=errorSessionInvalide")
    prefecture, title = _demarche(match["id"])
    days = _slot_days() if ctx.state.state == "slots" else []
    return page(
        "rdv_prefecture/creneau.html",
        {
            "base": _base(match),
            "prefecture": prefecture,
            "title": title,
            "days": days,
            "critere": json.dumps(_critere(days), ensure_ascii=False),
            **_release_line(),
        },
    )


def _closed(match: "re.Match[str]") -> Response:
    prefecture, title = _demarche(match["id"])
    return page("rdv_prefecture/suspended.html", {"prefecture": prefecture, "title": title})


def _slot_days() -> list[dict[str, Any]]:
    start = datetime.now().date() + timedelta(days=14)
    return [
        {"date": start + timedelta(days=offset), "times": times}
        for offset, times in ((0, ["09:00", "09:15", "10:45"]), (2, ["14:30"]))
    ]


def _critere(days: list[dict[str, Any]]) -> dict[str, Any]:
    today = datetime.now().date()
    first = days[0]["date"].isoformat() if days else ""
    return {
        "critere": {
            "dateMin": today.isoformat(),
            "dateMax": (today + timedelta(days=56)).isoformat(),
            "datePremiereDispo": first,
        }
    }


def _release_line() -> dict[str, Any]:
    released = (datetime.now() - timedelta(days=3)).replace(hour=11, minute=58)
    week = released.date() + timedelta(days=14 - released.weekday())
    return {"released_at": released, "released_week": week}


def captcha_image(code: str) -> str:
    """A ``data:`` URL of an SVG drawing ``code`` with some noise, for a person to read."""
    letters = "".join(
        f'<text x="{14 + index * 24}" y="{36 + (index % 3) * 4}" '
        f'transform="rotate({(index * 17) % 30 - 15} {14 + index * 24} 30)">{char}</text>'
        for index, char in enumerate(code)
    )
    noise = "".join(
        f'<line x1="{secrets.randbelow(170)}" y1="{secrets.randbelow(50)}" '
        f'x2="{secrets.randbelow(170)}" y2="{secrets.randbelow(50)}"/>'
        for _ in range(6)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="170" height="50">'
        '<rect width="170" height="50" fill="#eef"/>'
        f'<g stroke="#88a" stroke-width="1">{noise}</g>'
        f'<g font-family="monospace" font-size="26" fill="#223">{letters}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


_PREFIX = r"^/rdvpref/reservation/demarche/(?P<id>\d+)"
ROUTES = (
    (re.compile(_PREFIX + r"/?$"), landing),
    (re.compile(_PREFIX + r"/cgu/?$"), conditions),
    (re.compile(_PREFIX + r"/_validerCaptcha/?$"), validate),
    (re.compile(_PREFIX + r"/creneau/?$"), slots_page),
)
