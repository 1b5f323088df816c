"""Small request/response values shared by the simulated systems.

Each simulated system is a module exposing ``SYSTEM``, ``ENTRY_PATHS`` and ``ROUTES`` (regular
expressions → handler). Handlers are plain functions ``(request, match, ctx) -> Response`` so a
system reads like a list of pages, without any web framework.
"""

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

STATES = (
    "no_slot",
    "slots",
    "error502",
    "error503",
    "error403",
    "error429",
    "captcha",
    "queue",
    "closed",
    "maintenance",
    "slow",
    "expired",  # RDV Préfecture: the session always expires before the slot page
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, list[str]]
    cookies: dict[str, str]
    host: str
    raw_body: str = ""

    def field(self, name: str) -> str:
        values = self.form.get(name, [])
        return values[0] if values else ""


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: str = ""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class SystemState:
    """What one simulated system answers right now (switchable at runtime)."""

    state: str = "no_slot"
    delay_ms: int = 0
    variant: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"state": self.state, "delay_ms": self.delay_ms, "variant": self.variant}


class Sessions:
    """Server-side sessions keyed by a cookie value, as the real systems keep their steps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._data.get(key)

    def new(self) -> tuple[str, dict[str, Any]]:
        key = secrets.token_hex(16)
        data: dict[str, Any] = {"created": time.monotonic()}
        with self._lock:
            self._data[key] = data
        return key, data

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


@dataclass
class Context:
    """What a handler may use besides the request: its system's state and the shared stores."""

    state: SystemState
    sessions: Sessions
    captcha_code: str
    stopping: threading.Event = field(default_factory=threading.Event)


Handler = Callable[[Request, "re.Match[str]", Context], Response]
Routes = tuple[tuple["re.Pattern[str]", Handler], ...]


def page(template: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
    return Response(status=status, body=render_to_string(f"simulators/{template}", context or {}))


def redirect(location: str, *headers: tuple[str, str]) -> Response:
    return Response(status=302, headers=(("Location", location), *headers))


def set_cookie(name: str, value: str, path: str = "/") -> tuple[str, str]:
    return ("Set-Cookie", f"{name}={value}; Path={path}; HttpOnly; SameSite=Lax")


def session_for(
    request: Request, ctx: Context, cookie: str, path: str = "/"
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """The visitor's session, and the Set-Cookie header to send when it is a new one."""
    existing = ctx.sessions.get(request.cookies.get(cookie, ""))
    if existing is not None:
        return existing, ()
    key, data = ctx.sessions.new()
    return data, (set_cookie(cookie, key, path),)
