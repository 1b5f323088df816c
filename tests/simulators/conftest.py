"""One simulator server per test module, and a tiny cookie-keeping HTTP client (no browser)."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode

import pytest

from creneau.simulators.server import SimulatorServer, start


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        yield server


@pytest.fixture
def sim(simulator: SimulatorServer) -> SimulatorServer:
    simulator.reset()
    return simulator


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """Plain HTTP with cookies; redirects are returned, not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def get(self, path: str, host: str = "") -> Answer:
        return self._open(urllib.request.Request(self._url(path, host)))

    def post(self, path: str, form: dict[str, str] | None = None, raw: str = "") -> Answer:
        data = (raw or urlencode(form or {})).encode()
        return self._open(urllib.request.Request(self._url(path, ""), data=data, method="POST"))

    def _url(self, path: str, host: str) -> str:
        url = path if path.startswith("http") else self.base_url + path
        return url.replace("127.0.0.1", host, 1) if host else url

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=10) as response:
                return Answer(response.status, _lower(response.headers), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _lower(exc.headers), exc.read().decode())


def _lower(headers: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


@pytest.fixture
def client(sim: SimulatorServer) -> Client:
    return Client(sim.base_url)
