"""Démarches-simplifiées forms, which some prefectures use instead of slots.

``/commencer/<slug>``: by default the démarche is closed (« Cette démarche en ligne a été close,
il n'est plus possible de déposer de dossier. »); the ``slots`` state opens the form. A form has no
slots: ``no_slot`` shows the closed page too, as the real site would.
"""

import re

from creneau.simulators.base import Context, Request, Response, page

SYSTEM = "demarches_simplifiees"
ENTRY_PATHS = ("/commencer/demande-titre-sejour-prefecture-93",)
DEFAULT_STATE = "closed"


def start(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    title = match["slug"].replace("-", " ").capitalize()
    template = "open.html" if ctx.state.state == "slots" else "closed.html"
    return page(f"demarches_simplifiees/{template}", {"title": title, "slug": match["slug"]})


ROUTES = ((re.compile(r"^/commencer/(?P<slug>[\w-]+)/?$"), start),)
