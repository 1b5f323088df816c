"""System C: « eAppointment », the JSP application of Val-de-Marne and Rhône.

Flow: the postal-code landing (``#CPId`` + « Continuer », a client-side switch to a site key) →
``appointment.do?sitekey=…`` motive page (checkboxes ``selectedMotiveKeyList``, ``#nextButtonId``)
→ either a JavaScript ``alert()`` with the no-slot sentence (the page itself says nothing), or the
date page with an enabled ``#dayValueId`` and a datepicker whose free days are links.

Variant ``service`` switches to the other no-slot sentence seen by bots.
"""

import json
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from creneau.simulators.base import Context, Request, Response, page

SYSTEM = "eappointment"
ENTRY_PATHS = (
    "/eAppointmentpref94/element/jsp/specific/pref94.jsp",
    "/eAppointmentpref94/appointment.do?sitekey=P941",
)

# Exactly as two independent bots recorded it, typos included.
NO_SLOT = (
    "Aucun rendez-vous n'est possible pour les motifs selectionnnés ou le créneau horaire "
    "séléctionné."
)
NO_SLOT_SERVICE = "Il n'y a pas de rendez-vous disponible pour ce service."

SITES = {
    "P941": "Préfecture du Val-de-Marne - Créteil",
    "P942": "Sous-préfecture de Nogent-sur-Marne",
    "P943": "Sous-préfecture de L'Haÿ-les-Roses",
}
MOTIVES = (
    ("20", "Retrait de titre"),
    ("21", "Dépôt de demande de renouvellement de titre de séjour"),
    ("22", "Dépôt de première demande de titre de séjour"),
)


def landing(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    return page("eappointment/landing.html", {})


def appointment(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    site = request.query.get("sitekey", "") or request.field("sitekey") or "P941"
    context: dict[str, Any] = {
        "site": SITES.get(site, SITES["P941"]),
        "sitekey": site,
        "motives": MOTIVES,
        "jsessionid": match["jsessionid"] or secrets.token_hex(16).upper(),
    }
    if ctx.state.state == "closed":
        return page("eappointment/closed.html", context)
    if request.method == "GET":
        return page("eappointment/motives.html", context)
    chosen = request.form.get("selectedMotiveKeyList", [])
    if not chosen:
        return page(
            "eappointment/motives.html", {**context, **_alert("Veuillez choisir un motif.")}
        )
    if ctx.state.state != "slots":
        sentence = NO_SLOT_SERVICE if ctx.state.variant == "service" else NO_SLOT
        return page("eappointment/motives.html", {**context, **_alert(sentence)})
    days = free_days()
    return page(
        "eappointment/date.html",
        {**context, "month": _month(days), "first": days[0], "hours": ["09:00", "09:20", "10:40"]},
    )


def _alert(sentence: str) -> dict[str, str]:
    """The message as a JavaScript string literal, readable in the page source as on the site."""
    return {"alert": json.dumps(sentence, ensure_ascii=False)}


def free_days(today: date | None = None) -> list[date]:
    start = (today or datetime.now().date()) + timedelta(days=10)
    return [
        day for day in (start + timedelta(days=n) for n in range(0, 12, 3)) if day.weekday() < 5
    ]


def _month(free: list[date]) -> list[list[dict[str, Any]]]:
    """The weeks of the first free day's month, as a jQuery-UI datepicker draws them."""
    first = free[0].replace(day=1)
    start = first - timedelta(days=first.weekday())
    weeks = []
    for week in range(6):
        days = []
        for offset in range(7):
            day = start + timedelta(days=week * 7 + offset)
            days.append({"day": day, "in_month": day.month == first.month, "free": day in free})
        weeks.append(days)
    return weeks


ROUTES = (
    (re.compile(r"^/eAppointmentpref94/element/jsp/specific/pref94\.jsp$"), landing),
    (
        re.compile(r"^/eAppointmentpref94/appointment\.do(?:;jsessionid=(?P<jsessionid>\w+))?$"),
        appointment,
    ),
)
