"""The simulator server: every simulated booking system on one local HTTP server.

Each system lives under its real URL shape (``/93/booking/create/9845/0``,
``/rdvpref/reservation/demarche/4409/cgu/``…) and answers according to a state switchable at
runtime, through the control API or from Python::

    POST /_control/<system>  {"state": "no_slot"|"slots"|"error502"|…, "delay_ms": 0, "variant": ""}
    GET  /_control            every system's state and entry URLs
    GET  /_control/stats      requests counted per host, per host+path and per system
    POST /_control/reset      default states, empty counters, no sessions

    with start() as sim:        # a free port on 127.0.0.1, served by a background thread
        sim.set_state("legacy", "slots")
        sim.url("legacy")       # the first entry URL of the system
"""

import json
import re
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from creneau.simulators import (
    demarches_simplifiees,
    eappointment,
    gates,
    generic,
    legacy,
    rdv_prefecture,
    rdv_service_public,
)
from creneau.simulators.base import (
    STATES,
    Context,
    Handler,
    Request,
    Response,
    Sessions,
    SystemState,
    page,
)

SYSTEMS: dict[str, ModuleType] = {
    module.SYSTEM: module
    for module in (
        legacy,
        rdv_prefecture,
        eappointment,
        rdv_service_public,
        demarches_simplifiees,
        generic,
    )
}
# A slow answer with no explicit delay outlasts any reasonable driver timeout.
SLOW_DEFAULT_MS = 20_000
RECENT_REQUESTS = 2000
CAPTCHA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Route:
    pattern: "re.Pattern[str]"
    handler: Handler
    system: str  # "" for the pages in front of every system (waiting room, challenge assets)


class ControlError(ValueError):
    """A control request the simulator cannot honour (unknown system or state)."""


class Simulator:
    """States, sessions and request counters shared by all request threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sessions = Sessions()
        self.captcha_code = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(6))
        self.states = {name: SystemState(state=_default(name)) for name in SYSTEMS}
        self.routes = tuple(
            Route(pattern, handler, name)
            for name, module in SYSTEMS.items()
            for pattern, handler in module.ROUTES
        ) + tuple(Route(pattern, handler, "") for pattern, handler in gates.ROUTES)
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._recent: deque[dict[str, object]] = deque(maxlen=RECENT_REQUESTS)

    def set_state(
        self, system: str, state: str, delay_ms: int = 0, variant: str = ""
    ) -> SystemState:
        if system not in self.states:
            raise ControlError(f"unknown system {system!r}; known: {', '.join(self.states)}")
        if state not in STATES:
            raise ControlError(f"unknown state {state!r}; known: {', '.join(STATES)}")
        if delay_ms < 0:
            raise ControlError("delay_ms must be zero or positive")
        with self.lock:
            self.states[system] = SystemState(state=state, delay_ms=delay_ms, variant=variant)
            return self.states[system]

    def reset(self) -> None:
        with self.lock:
            self.states = {name: SystemState(state=_default(name)) for name in SYSTEMS}
            self._counts.clear()
            self._recent.clear()
        self.sessions.clear()

    def count(self, host: str, path: str, system: str, method: str) -> None:
        with self.lock:
            self._counts[(host, path, system)] += 1
            self._recent.append(
                {"at": time.time(), "host": host, "path": path, "system": system, "method": method}
            )

    def stats(self) -> dict[str, Any]:
        with self.lock:
            by_host: Counter[str] = Counter()
            by_path: Counter[str] = Counter()
            by_system: Counter[str] = Counter()
            for (host, path, system), number in self._counts.items():
                by_host[host] += number
                by_path[f"{host}{path}"] += number
                by_system[system or "gates"] += number
            return {
                "total": sum(self._counts.values()),
                "by_host": dict(by_host),
                "by_path": dict(by_path),
                "by_system": dict(by_system),
                "recent": list(self._recent),
            }

    def describe(self, base_url: str) -> dict[str, Any]:
        with self.lock:
            return {
                name: {
                    **self.states[name].as_dict(),
                    "entries": [base_url + path for path in SYSTEMS[name].ENTRY_PATHS],
                }
                for name in SYSTEMS
            }

    def route(self, path: str) -> tuple[Route, "re.Match[str]"] | None:
        for route in self.routes:
            match = route.pattern.match(path)
            if match:
                return route, match
        return None

    def context(self, system: str) -> Context:
        with self.lock:
            state = self.states.get(system, SystemState())
        return Context(state, self.sessions, self.captcha_code, self.stopping)


def _default(system: str) -> str:
    return getattr(SYSTEMS[system], "DEFAULT_STATE", "no_slot")


class _Handler(BaseHTTPRequestHandler):
    server: "SimulatorServer"
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the stats endpoint counts requests; per-request logs would drown test output

    def _serve(self) -> None:
        request = self._request()
        if request.path.startswith("/_control"):
            self._send(self._control(request))
            return
        if request.path == "/":
            self._send(
                page(
                    "index.html", {"systems": self.server.simulator.describe(self.server.base_url)}
                )
            )
            return
        sim = self.server.simulator
        found = sim.route(request.path)
        system = found[0].system if found else ""
        sim.count(request.host, request.path, system, request.method)
        if found is None:
            self._send(Response(status=404, body="<h1>404 Not Found</h1>"))
            return
        route, match = found
        ctx = sim.context(system)
        self._delay(ctx.state)
        self._send(self._answer(route, match, request, ctx))

    def _answer(
        self, route: Route, match: "re.Match[str]", request: Request, ctx: Context
    ) -> Response:
        if route.system:
            module = SYSTEMS[route.system]
            blocked = gates.gate(
                route.system,
                request,
                ctx,
                getattr(module, "MAINTENANCE_TEMPLATE", ""),
                getattr(module, "THROTTLED", None),
            )
            if blocked is not None:
                return blocked
        return route.handler(request, match, ctx)

    def _delay(self, state: SystemState) -> None:
        delay_ms = state.delay_ms
        if state.state == "slow" and not delay_ms:
            delay_ms = SLOW_DEFAULT_MS
        if delay_ms:
            # An Event, not sleep(): stopping the server must not wait for slow answers.
            self.server.simulator.stopping.wait(delay_ms / 1000)

    def _request(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        cookies = SimpleCookie(self.headers.get("Cookie") or "")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        return Request(
            method=self.command,
            path=parts.path,
            query=query,
            form=parse_qs(body, keep_blank_values=True) if self.command == "POST" else {},
            cookies={name: morsel.value for name, morsel in cookies.items()},
            host=self.headers.get("Host") or "",
            raw_body=body,
        )

    def _control(self, request: Request) -> Response:
        sim = self.server.simulator
        name = request.path.removeprefix("/_control").strip("/")
        if name == "stats":
            return _json(sim.stats())
        if name == "reset" and request.method == "POST":
            sim.reset()
            return _json({"reset": True})
        if name == "" and request.method == "GET":
            return _json(sim.describe(self.server.base_url))
        if request.method == "GET":
            described = sim.describe(self.server.base_url)
            return _json(described[name]) if name in described else _json({"error": name}, 404)
        try:
            options = json.loads(request.raw_body or "{}")
            changed = sim.set_state(
                name,
                str(options.get("state", "no_slot")),
                int(options.get("delay_ms", 0)),
                str(options.get("variant", "")),
            )
        except (ControlError, ValueError, TypeError, AttributeError) as exc:
            return _json({"error": str(exc)}, 404 if name not in SYSTEMS else 400)
        return _json({"system": name, **changed.as_dict()})

    def _send(self, response: Response) -> None:
        body = response.body.encode()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser gave up (a driver timeout on the slow state): nothing to answer


def _json(data: object, status: int = HTTPStatus.OK) -> Response:
    return Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    simulator: Simulator

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.simulator = Simulator()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        shown = host.decode() if isinstance(host, bytes) else host
        return f"http://{shown}:{port}"

    @property
    def captcha_code(self) -> str:
        """The code drawn in every RDV Préfecture captcha image (a person reads it there)."""
        return self.simulator.captcha_code

    def url(self, system: str, index: int = 0) -> str:
        paths: tuple[str, ...] = SYSTEMS[system].ENTRY_PATHS
        return self.base_url + paths[index]

    def set_state(
        self, system: str, state: str, delay_ms: int = 0, variant: str = ""
    ) -> SystemState:
        return self.simulator.set_state(system, state, delay_ms, variant)

    def stats(self) -> dict[str, Any]:
        return self.simulator.stats()

    def reset(self) -> None:
        self.simulator.reset()

    def start_background(self) -> "SimulatorServer":
        self._thread = threading.Thread(
            target=self.serve_forever, name="creneau-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.simulator.stopping.set()
        if self._thread is not None:
            self.shutdown()  # only a running serve_forever() can acknowledge it
            self._thread.join(timeout=5)
        self.server_close()


@contextmanager
def start(host: str = "127.0.0.1", port: int = 0) -> Iterator[SimulatorServer]:
    """Serve the simulators from a background thread for the duration of the block."""
    server = SimulatorServer(host, port).start_background()
    try:
        yield server
    finally:
        server.stop()


def entry_urls(base_url: str) -> dict[str, list[str]]:
    return {
        name: [base_url + path for path in module.ENTRY_PATHS] for name, module in SYSTEMS.items()
    }
