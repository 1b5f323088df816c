"""System D: RDV Service Public (betagouv/rdv-service-public), used by mairies and departments.

Public search: ``/prendre_rdv?…&motif_name_with_location_type=…`` lists places (« Sélectionnez un
lieu de RDV : ») then, with ``lieu_id``, the week grid (« Sélectionnez un créneau : », time links
« Choisir le créneau de HH:MM »). No slot: « Malheureusement, aucun créneau correspondant à votre
recherche n'a été trouvé. ». The reschedule page ``/users/rdvs/<id>/creneaux`` says instead
« Malheureusement, tous les créneaux sont pris. … ».
"""

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from creneau.simulators.base import Context, Request, Response, page

SYSTEM = "rdv_service_public"
SEARCH = (
    "/prendre_rdv?departement=93&city_code=93008"
    "&motif_name_with_location_type=titre-sejour-public_office"
)
ENTRY_PATHS = (SEARCH, "/users/rdvs/4242/creneaux")
MAINTENANCE_TEMPLATE = "rdv_service_public/maintenance.html"
# Rack::Attack's answer once the per-IP limit is reached (config/initializers/rack_attack.rb).
THROTTLED = Response(
    status=429,
    body=json.dumps({"errors": ["Limite d'appels API atteinte. Merci de patienter.\n"]}),
    content_type="application/json; charset=utf-8",
    headers=(("Retry-After", "60"),),
)
MOTIF = "Accompagnement au dépôt de titre de séjour"
LIEU = ("42", "Maison France Services de Bobigny", "1 place de la Libération, 93000 Bobigny")


def search(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    if ctx.state.state == "closed":
        return page("rdv_service_public/closed.html", {"motif": MOTIF, "lieu": LIEU})
    slots = _week() if ctx.state.state == "slots" else []
    if not slots:
        return page("rdv_service_public/nothing.html", {"motif": MOTIF})
    if "lieu_id" not in request.query:
        link = "/prendre_rdv?" + urlencode({**request.query, "lieu_id": LIEU[0]})
        return page(
            "rdv_service_public/lieux.html",
            {"motif": MOTIF, "lieu": LIEU, "link": link, "next": _first(slots)},
        )
    return page("rdv_service_public/creneaux.html", {"motif": MOTIF, "lieu": LIEU, "days": slots})


def reschedule(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    booked = datetime.now().replace(hour=10, minute=30, second=0, microsecond=0) + timedelta(
        days=40
    )
    slots = _week() if ctx.state.state == "slots" else []
    return page(
        "rdv_service_public/reschedule.html",
        {"motif": MOTIF, "lieu": LIEU, "days": slots, "booked": booked},
    )


def _first(days: list[dict[str, Any]]) -> datetime:
    first: datetime = min(slot for day in days for slot in day["slots"])
    return first


def _week(today: date | None = None) -> list[dict[str, Any]]:
    """Five days from next Monday; two carry free times, the last is past the horizon."""
    start = (today or datetime.now().date()) + timedelta(days=7)
    monday = start - timedelta(days=start.weekday())
    times = {1: ["09:30", "10:00"], 3: ["14:15"]}
    return [
        {
            "date": monday + timedelta(days=offset),
            "slots": [
                datetime.combine(
                    monday + timedelta(days=offset), datetime.strptime(t, "%H:%M").time()
                )
                for t in times.get(offset, [])
            ],
            "closed": offset == 4,
        }
        for offset in range(5)
    ]


ROUTES = (
    (re.compile(r"^/prendre_rdv$"), search),
    (re.compile(r"^/users/rdvs/(?P<rdv>\d+)/creneaux$"), reschedule),
)
