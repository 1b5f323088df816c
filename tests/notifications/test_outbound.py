"""Alerts reach only public servers: as Apprise reads the address, and at connection time.

A local HTTP server stands for an internal service (an admin page on 127.0.0.1, a cloud metadata
endpoint): the tests pass when nothing reaches it. Where DNS must change between the check and
the connection, a stand-in answers at :func:`creneau.lib.urlsafety.resolve`.
"""

import ipaddress
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from creneau.lib import urlsafety
from creneau.notifications import transport

PUBLIC = ipaddress.ip_address("93.184.215.14")
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def internal() -> Iterator[list[str]]:
    """A local server: ``seen[0]`` is its port, then one line per request that reached it.
    It answers 201, or 500 once ``seen`` holds the word "fail"."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append(f"{self.command} {self.path} {self.rfile.read(length)[:200]!r}")
            self.send_response(500 if "fail" in seen else 201)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_PUT = do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    seen.append(str(httpd.server_address[1]))
    yield seen
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "template",
    [
        "signal://a@127.0.0.1:{port}@ntfy.sh/+33600000000/+33600000001",
        "signals://a@127.0.0.1:{port}@ntfy.sh/+33600000000",
        "ntfy://user@127.0.0.1:{port}@ntfy.sh/rdv",
    ],
)
def test_an_address_whose_server_apprise_reads_differently_is_refused_and_never_contacted(
    internal, template
):
    url = template.format(port=internal[0])

    delivery = transport.notify([url], "essai", "essai")

    assert not delivery.delivered
    assert "ambiguous" in delivery.error
    assert internal[1:] == []  # nothing reached the internal server


@pytest.mark.parametrize(
    "url",
    [
        "signal://a@127.0.0.1:18999@ntfy.sh/+33600000000/+33600000001",
        "signal://a@169.254.169.254:80@ntfy.sh/+33600000000",
    ],
)
def test_the_channel_check_refuses_an_ambiguous_address(url):
    with pytest.raises(transport.ChannelRefused) as refused:
        transport.check_channel(url)

    assert refused.value.reason == "ambiguous"


def test_the_channel_check_reads_the_server_apprise_will_contact(monkeypatch):
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[Any]:
        asked.append((host, port))
        return [PUBLIC]

    monkeypatch.setattr(urlsafety, "resolve", resolve)
    transport.check_channel("signals://signal.association.example:8443/+33600000000")
    transport.check_channel("ntfys://ntfy.association.example/rdv")
    transport.check_channel("ntfy://mon-sujet")  # ntfy.sh's public service: not resolved
    transport.check_channel("tgram://123456789:abcdefg_hijklmnop/12315544/")

    assert asked == [("signal.association.example", 8443), ("ntfy.association.example", 443)]


def test_a_name_that_rebinds_after_the_check_is_refused_when_apprise_connects(
    internal, monkeypatch
):
    """GIVEN a server name that resolves to a public address when checked WHEN it resolves to
    127.0.0.1 the moment Apprise connects THEN the connection is refused, and nothing reaches
    the internal server (Apprise's own resolution of « localhost » would have reached it)."""
    answers = iter([[PUBLIC]])
    monkeypatch.setattr(urlsafety, "resolve", lambda host, port: next(answers, [LOOPBACK]))

    delivery = transport.notify([f"ntfy://localhost:{internal[0]}/rdv"], "essai", "essai")

    assert not delivery.delivered
    assert internal[1:] == []


def test_a_redirect_to_an_internal_address_is_refused_at_connection(internal, monkeypatch):
    """A public server may answer with a redirect: every connection is checked, not the first."""
    redirecting = ThreadingHTTPServer(("127.0.0.1", 0), _redirect_to(int(internal[0])))
    threading.Thread(target=redirecting.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setattr(transport, "ROUTES", {"signal.association.example": LOOPBACK})
    monkeypatch.setattr(urlsafety, "resolve", lambda host, port: [PUBLIC])
    port = redirecting.server_address[1]
    try:
        url = f"signal://signal.association.example:{port}/+33600000000/+33600000001"
        transport.notify([url], "essai", "essai")
    finally:
        redirecting.shutdown()
        redirecting.server_close()

    assert internal[1:] == []


def _redirect_to(port: int) -> type[BaseHTTPRequestHandler]:
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{port}/v2/send")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Redirect


def test_apprise_never_logs_or_returns_the_persons_phone_number(internal, monkeypatch, caplog):
    """Apprise writes « Sent … to +33600000001 » (and the same on failure): the number must not
    reach the logs, nor the alert log's error text stored in the database."""
    monkeypatch.setattr(transport, "ROUTES", {"signal.association.example": LOOPBACK})
    monkeypatch.setattr(urlsafety, "resolve", lambda host, port: [PUBLIC])
    url = f"signal://signal.association.example:{internal[0]}/+33600000000/+33600000001"
    caplog.set_level(logging.DEBUG)

    sent = transport.notify([url], "essai", "essai")
    internal.append("fail")
    failed = transport.notify([url], "essai", "essai")

    assert sent.delivered and not failed.delivered  # it did reach the (routed) server
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Signal" in logged
    assert "33600000001" not in logged and "33600000000" not in logged
    assert "33600000001" not in failed.error
