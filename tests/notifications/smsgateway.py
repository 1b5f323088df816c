"""Local servers posing as SMS services, for real sends: an HTTPS one posing as a provider's
API (api.octopush.com), a plain HTTP one as the operator's generic gateway.

Apprise's own Octopush plugin posts to ``https://api.octopush.com/…``; the alert transport's
test seam (``transport.ROUTES``) connects that name to this server, whose certificate (made
here, for that name) the test trusts through ``REQUESTS_CA_BUNDLE``. Everything else is real:
Apprise builds the request, the connection goes through the transport's guard.
"""

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from creneau.notifications import transport

HOSTS = ("api.octopush.com", "api.twilio.com")
GATEWAY_HOST = "sms.gateway.example"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass
class Gateway:
    port: int
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 201


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTS[0])])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in HOSTS]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "gateway.pem", folder / "gateway.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            gateway.received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "json": json.loads(body or b"{}"),
                }
            )
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def http_gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    """A generic SMS gateway (plain HTTP) posing as sms.gateway.example: what it received."""
    gateway = Gateway(port=0, status=200)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    gateway.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    routes = {GATEWAY_HOST: (LOOPBACK, gateway.port)}
    monkeypatch.setattr(transport, "ROUTES", transport.ROUTES | routes)
    yield gateway
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def sms_gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    cert_file, key_file = _certificate(tmp_path)
    gateway = Gateway(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    gateway.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_file))
    routes = dict.fromkeys(HOSTS, (LOOPBACK, gateway.port))
    monkeypatch.setattr(transport, "ROUTES", transport.ROUTES | routes)
    yield gateway
    httpd.shutdown()
    httpd.server_close()
