"""The egress guard: what a guarded browser reaches is checked where the connection is made.

Real servers on 127.0.0.1 stand for two places: ``inside`` is what must never be reached (an
admin page, a metadata endpoint), and ``site`` is a booking site. To pose as a *public* site
while being served here, ``site.example`` is routed to 127.0.0.1 by the test guard's ``routes``
(a documented test seam: the process guard has none); everything else the pages ask for goes
through the real checks. No DNS server can be rebound on this machine, so the rebinding tests
stand in for DNS at :func:`creneau.lib.urlsafety.resolve`, the one function both the early
URL check and the guard call.
"""

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from creneau.lib import browser, browsing, egress, urlsafety
from creneau.lib.egress import EgressGuard
from creneau.lib.urlsafety import IPAddress, check_public_url
from creneau.simulators.server import SimulatorServer
from creneau.watch.honesty import read

LOOPBACK = ipaddress.ip_address("127.0.0.1")
PUBLIC = ipaddress.ip_address("93.184.215.14")  # answered by a stand-in resolver, never dialled
TIMEOUT_S = 10.0


@dataclass
class Server:
    """A local HTTP server answering from ``pages`` (path → (status, headers, body))."""

    pages: dict[str, tuple[int, dict[str, str], str]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    @property
    def count(self) -> int:
        return len(self.requests)


def serve(server: Server) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.requests.append((self.command, self.path, dict(self.headers), body))
            found = server.pages.get(self.path.split("?")[0], (404, {}, "introuvable"))
            status, headers, text = found
            data = text.encode()
            self.send_response(status)
            headers = {"Content-Type": "text/html; charset=utf-8"} | headers
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture
def inside() -> Iterator[Server]:
    """What must never be reached: it counts every request that arrives."""
    server = Server()
    server.pages["/"] = (200, {}, "<p>Il n'existe plus de plage horaire libre.</p>")
    httpd = serve(server)
    yield server
    httpd.shutdown()


@pytest.fixture
def site(inside: Server) -> Iterator[Server]:
    """A « public » booking site whose pages try to reach ``inside``."""
    server = Server()
    target = f"127.0.0.1:{inside.port}"
    server.pages["/plain"] = (200, {}, "<h1>Prise de rendez-vous</h1>")
    server.pages["/redirect"] = (302, {"Location": f"http://{target}/"}, "")
    server.pages["/redirect-tls"] = (302, {"Location": f"https://{target}/"}, "")
    server.pages["/embeds"] = (200, {}, embeds_page(inside.port))
    httpd = serve(server)
    yield server
    httpd.shutdown()


def embeds_page(port: int) -> str:
    hosts = [f"127.0.0.1:{port}", f"localhost:{port}", f"[::ffff:127.0.0.1]:{port}"]
    images = "".join(f'<img src="http://{h}/pixel.png">' for h in hosts)
    return f"""<h1>Prise de rendez-vous</h1>{images}
        <img src="https://127.0.0.1:{port}/tls.png">
        <iframe src="http://127.0.0.1:{port}/frame"></iframe>
        <p id="done">…</p>
        <script>
          fetch("http://127.0.0.1:{port}/api", {{method: "POST", body: "x"}})
            .catch(() => null)
            .finally(() => {{ document.getElementById("done").textContent = "chargée"; }});
        </script>"""


@pytest.fixture
def guard(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[EgressGuard]:
    """The process guard for this test: any port (servers here use random ones), and
    ``site.example`` routed to 127.0.0.1 as if it were public. Local addresses not allowed."""
    settings.ALLOW_LOCAL_URLS = False
    started = EgressGuard(ports=None, routes={"site.example": LOOPBACK}, idle_timeout_s=5).start()
    monkeypatch.setattr(egress, "_guard", started)
    yield started
    started.stop()


def ask(guard: EgressGuard, request: bytes) -> bytes:
    """Send raw bytes to the guard; everything it answers until it closes."""
    with socket.create_connection(("127.0.0.1", guard.port), timeout=TIMEOUT_S) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def counting(answers: Callable[[int], list[IPAddress]]) -> tuple[list[str], Any]:
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        calls.append(host)
        return answers(len(calls))

    return calls, resolve


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("64:ff9b::5db8:d70e", True),  # NAT64 of a public address
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("::ffff:10.0.0.5", False),
        ("64:ff9b::a00:5", False),  # NAT64 of 10.0.0.5
        ("2002:a00:5::1", False),  # 6to4 of 10.0.0.5
    ],
)
def test_it_knows_which_addresses_are_public(address: str, public: bool):
    assert urlsafety.is_public(ipaddress.ip_address(address)) is public


# --- the proxy itself, spoken to over a socket ---------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["127.0.0.1:443", "10.0.0.5:443", "169.254.169.254:80", "[::1]:443", "[::ffff:10.1.2.3]:443"],
)
def test_it_refuses_to_tunnel_to_a_local_or_private_address(guard: EgressGuard, target: str):
    answer = ask(guard, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"X-Creneau-Egress: " in answer and b"a local or private address" in answer


def test_it_refuses_a_plain_request_to_loopback_without_reaching_it(guard, inside):
    url = f"http://127.0.0.1:{inside.port}/"
    answer = ask(guard, f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert answer.endswith(b"Creneau egress guard: 127.0.0.1 is a local or private address\n")
    assert inside.count == 0
    assert guard.refusal_for("127.0.0.1") == "127.0.0.1 is a local or private address"


def test_it_refuses_a_name_when_any_of_its_addresses_is_local(inside):
    calls, resolve = counting(lambda n: [PUBLIC, LOOPBACK])
    mixed = EgressGuard(resolver=resolve, ports=None).start()
    try:
        request = f"GET http://mixed.example:{inside.port}/ HTTP/1.1\r\n\r\n".encode()
        answer = ask(mixed, request)
    finally:
        mixed.stop()
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"mixed.example resolves to 127.0.0.1" in answer
    assert calls == ["mixed.example"] and inside.count == 0


def test_it_refuses_other_ports_than_80_and_443_before_resolving_anything():
    calls, resolve = counting(lambda n: [PUBLIC])
    strict = EgressGuard(resolver=resolve).start()
    try:
        answer = ask(strict, b"CONNECT booking.example:8443 HTTP/1.1\r\n\r\n")
    finally:
        strict.stop()
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"port 8443 refused (only 80 and 443)" in answer
    assert calls == []


def test_it_forwards_a_plain_request_in_origin_form_and_closes_after_it(guard, site):
    body = b'{"motif": 1}'
    request = (
        f"POST http://site.example:{site.port}/plain?x=1 HTTP/1.1\r\n"
        f"Host: site.example:{site.port}\r\nProxy-Connection: keep-alive\r\n"
        f"Connection: keep-alive\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = ask(guard, request + body)
    assert answer.startswith(b"HTTP/1.0 200 OK\r\n")
    assert answer.count(b"Connection: close\r\n") == 1
    assert answer.endswith(b"<h1>Prise de rendez-vous</h1>")
    method, path, headers, received = site.requests[0]
    assert (method, path, received) == ("POST", "/plain?x=1", body)
    assert headers["Host"] == f"site.example:{site.port}"
    assert headers["Connection"] == "close" and "Proxy-Connection" not in headers


def test_it_tunnels_bytes_both_ways_to_a_checked_address(guard):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def echo() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(conn.recv(1024).upper())

    threading.Thread(target=echo, daemon=True).start()
    with listener:
        answer = ask(guard, f"CONNECT site.example:{port} HTTP/1.1\r\n\r\nbonjour".encode())
    assert answer == b"HTTP/1.1 200 Connection Established\r\n\r\nBONJOUR"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET https://site.example/ HTTP/1.1\r\n\r\n", b"400"),
        (b"GET /relative HTTP/1.1\r\nHost: site.example\r\n\r\n", b"400"),
        (b"CONNECT site.example HTTP/1.1\r\n\r\n", b"400"),
        (b"CONNECT user@site.example:443 HTTP/1.1\r\n\r\n", b"400"),
        (b"GET http://site.example/ HTTP/1.1\r\n folded: header\r\n\r\n", b"400"),
        (b"POST http://site.example/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"501"),
        (b"GET http://site.example/ HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n", b"431"),
    ],
)
def test_it_answers_malformed_or_oversized_requests_without_forwarding(
    guard, site, request_bytes, status
):
    assert ask(guard, request_bytes).startswith(b"HTTP/1.1 " + status)
    assert site.count == 0


def test_it_closes_a_connection_that_stays_silent():
    quick = EgressGuard(idle_timeout_s=0.3).start()
    try:
        with socket.create_connection(("127.0.0.1", quick.port), timeout=TIMEOUT_S) as conn:
            conn.sendall(b"GET http://site.example/ HTTP/1.1\r\n")  # never finishes its head
            started = time.monotonic()
            assert conn.recv(1024) == b""  # closed by the guard, well before our own timeout
            assert time.monotonic() - started < TIMEOUT_S / 2
    finally:
        quick.stop()


def test_the_process_guard_starts_once_and_only_allows_ports_80_and_443(monkeypatch):
    monkeypatch.setattr(egress, "_guard", None)
    first = egress.guard()
    try:
        assert egress.guard() is first
        assert first.ports == frozenset({80, 443}) and first.routes == {}
        assert first.url == f"http://127.0.0.1:{first.port}"
    finally:
        first.stop()


# --- real Chromium through the browser seam ------------------------------------------------


@pytest.mark.browser
def test_a_direct_loopback_url_ends_as_an_error_that_names_the_guard(guard, inside):
    snap = browsing.snapshot(f"http://127.0.0.1:{inside.port}/", timeout_s=TIMEOUT_S)
    assert snap.error == ("refused by the egress guard: 127.0.0.1 is a local or private address")
    assert snap.status is None  # the guard answered, not a site
    assert read(snap).outcome == "error"
    assert inside.count == 0


@pytest.mark.browser
def test_a_loopback_https_url_ends_as_an_error_that_names_the_guard(guard, inside):
    snap = browsing.snapshot(f"https://localhost:{inside.port}/", timeout_s=TIMEOUT_S)
    assert "ERR_TUNNEL_CONNECTION_FAILED" in snap.error
    assert "(egress guard: localhost resolves to " in snap.error
    assert read(snap).outcome == "error"
    assert inside.count == 0


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/redirect", "/redirect-tls"])
def test_a_public_page_redirecting_inside_ends_as_an_error(guard, site, inside, path):
    snap = browsing.snapshot(f"http://site.example:{site.port}{path}", timeout_s=TIMEOUT_S)
    assert snap.error
    assert read(snap).outcome == "error"  # never no_slot, whatever was shown
    assert site.count >= 1 and inside.count == 0


@pytest.mark.browser
def test_a_public_page_loading_images_frames_and_fetch_from_inside_is_captured_without_them(
    guard, site, inside
):
    snap = browsing.snapshot(f"http://site.example:{site.port}/embeds", timeout_s=TIMEOUT_S)
    assert snap.error == ""
    assert snap.status == 200
    assert "chargée" in snap.visible_text  # the fetch() failed, the page went on
    assert snap.screenshot.startswith(b"\x89PNG")
    assert inside.count == 0


@pytest.mark.browser
def test_dns_rebinding_after_the_early_check_never_reaches_inside(guard, inside, monkeypatch):
    """GIVEN a name that resolves to a public address once, then to 127.0.0.1 WHEN the early
    URL check passes and the browser visits THEN the guard's own resolution is refused."""
    calls, resolve = counting(lambda n: [PUBLIC] if n == 1 else [LOOPBACK])
    monkeypatch.setattr(urlsafety, "resolve", resolve)
    url = f"http://rebind.example:{inside.port}/"

    check_public_url(url, allow_local=False)  # the first answer: public
    snap = browsing.snapshot(url, timeout_s=TIMEOUT_S)

    assert snap.error.startswith("refused by the egress guard: rebind.example resolves to ")
    assert read(snap).outcome == "error"
    assert len(calls) >= 2 and inside.count == 0


@pytest.mark.browser
def test_an_assisted_session_is_guarded_too(guard, site, inside):
    result: list[tuple[str, str]] = []

    def session() -> None:  # a session lives in the thread that opened it, as assisted.py does
        try:
            opened = browser.open_session(f"http://site.example:{site.port}/redirect")
            result.append(opened)
            browser.close_session(opened[0])
        finally:
            browser.close()

    thread = threading.Thread(target=session)
    thread.start()
    thread.join(60)
    assert result and result[0][1].startswith("refused by the egress guard: 127.0.0.1 is ")
    assert inside.count == 0


@pytest.mark.browser
def test_allowing_local_addresses_bypasses_the_guard_for_simulators(guard, sim: SimulatorServer):
    snap = browsing.snapshot(sim.url("legacy"), timeout_s=TIMEOUT_S, allow_local=True)
    assert snap.error == "" and snap.status == 200
    assert read(snap).outcome != "error"
    refused = browsing.snapshot(sim.url("legacy"), timeout_s=TIMEOUT_S)  # the setting: False
    assert refused.error.startswith("refused by the egress guard")


@pytest.mark.browser
def test_the_flag_decides_and_the_setting_applies_when_no_flag_is_given(guard, settings, inside):
    url = f"http://127.0.0.1:{inside.port}/"
    assert browsing.snapshot(url, timeout_s=TIMEOUT_S, allow_local=True).error == ""
    assert inside.count >= 1
    settings.ALLOW_LOCAL_URLS = True
    assert browsing.snapshot(url, timeout_s=TIMEOUT_S).error == ""
    refused = browsing.snapshot(url, timeout_s=TIMEOUT_S, allow_local=False)
    assert refused.error.startswith("refused by")
