"""Pages that stand in front of any booking system: proxy errors, challenges, waiting rooms.

The wording of the proxy errors is nginx's; the challenge and the waiting room imitate
Cloudflare and Queue-it without copying their markup (their exact texts are vendor-generated).
"""

import re
import secrets
from urllib.parse import quote

from creneau.simulators.base import Context, Request, Response, page, redirect

# nginx's own titles for the statuses bots met in front of prefecture systems.
PROXY_ERRORS = {
    "error502": (502, "Bad Gateway"),
    "error503": (503, "Service Temporarily Unavailable"),
    "error403": (403, "Forbidden"),
    "error429": (429, "Too Many Requests"),
}

WAITING_ROOM_PATH = "/queue-it/"


def gate(
    system: str,
    request: Request,
    ctx: Context,
    maintenance: str = "",
    throttled: Response | None = None,
) -> Response | None:
    """The page shown instead of the system's own page, or None when the system answers.

    ``maintenance`` and ``throttled`` are a system's own maintenance template and rate-limit
    answer, when it has them.
    """
    state = ctx.state.state
    if state == "error429" and throttled is not None:
        return throttled
    if state in PROXY_ERRORS:
        status, reason = PROXY_ERRORS[state]
        return page("common/proxy_error.html", {"status": status, "reason": reason}, status)
    if state == "captcha":
        return challenge(request)
    if state == "queue":
        target = quote(request.path, safe="")
        return redirect(f"{WAITING_ROOM_PATH}?c=simulateur&e={system}&t={target}")
    if state == "maintenance":
        return page(maintenance or "common/maintenance.html", {}, 503)
    return None


def challenge(request: Request) -> Response:
    """A Cloudflare-like managed challenge: a 403 asking the browser to prove it is human."""
    ray = secrets.token_hex(8)
    body = page("common/challenge.html", {"ray": ray, "host": request.host}, 403)
    return Response(
        status=403,
        body=body.body,
        headers=(("cf-mitigated", "challenge"), ("cf-ray", f"{ray}-CDG"), ("Server", "cloudflare")),
    )


def waiting_room(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    position = 1200 + secrets.randbelow(3000)
    return page(
        "common/waiting_room.html",
        {
            "event": request.query.get("e", ""),
            "target": request.query.get("t", ""),
            "position": position,
            "minutes": position // 60,
        },
    )


def challenge_script(request: Request, match: "re.Match[str]", ctx: Context) -> Response:
    return Response(
        body="/* défi simulé : aucun code n'est exécuté */\n", content_type="text/javascript"
    )


ROUTES = (
    (re.compile(r"^/queue-it/$"), waiting_room),
    (re.compile(r"^/cdn-cgi/challenge-platform/.*$"), challenge_script),
)
