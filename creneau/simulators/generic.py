"""A generic booking page of no known system, for the generic driver configured in the admin.

``/generic/<slug>`` shows a « Voir les disponibilités » button leading to
``/generic/<slug>/disponibilites``: a list of times (``ul.creneaux``) or an invented no-slot
sentence (``NO_SLOT``). The slots page keeps the no-slot sentence in a hidden block, so a
configuration that read hidden text would be caught.
"""

import re
from datetime import datetime, timedelta

from creneau.simulators.base import Context, Request, Response, page

SYSTEM = "generic"
ENTRY_PATHS = ("/generic/mairie-de-montreuil-etrangers",)
NO_SLOT = "Aucune plage horaire n'est ouverte à la réservation pour le moment."
CLOSED = "Le service de réservation en ligne est fermé."


def landing(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    return page("generic/landing.html", {"slug": match["slug"]})


def availability(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    if ctx.state.state == "closed":
        return page("generic/availability.html", {"closed": CLOSED, "slug": match["slug"]})
    slots = []
    if ctx.state.state == "slots":
        day = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=9)
        slots = [day, day + timedelta(minutes=40), day + timedelta(days=1, hours=5)]
    return page(
        "generic/availability.html", {"slots": slots, "no_slot": NO_SLOT, "slug": match["slug"]}
    )


ROUTES = (
    (re.compile(r"^/generic/(?P<slug>[\w-]+)/?$"), landing),
    (re.compile(r"^/generic/(?P<slug>[\w-]+)/disponibilites/?$"), availability),
)
