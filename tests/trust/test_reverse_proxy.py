"""The documented HTTPS setup, for real: nginx with a local certificate in front of
``creneau run`` on loopback, configured only by CRENEAU_SITE_URL and CRENEAU_TRUSTED_PROXY.

Issue 24: with a redirect to https and ``X-Forwarded-Proto: https`` every request was redirected
again (a loop), HSTS was never sent, and login failed with « Origin checking failed ». Clients
connect from distinct loopback addresses (127.0.0.2, 127.0.0.3…), so the lockout's view of the
real client address is tested through the proxy too.
"""

import http.client
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.proxy
PASSWORD = "un mot de passe assez long pour Django"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)  # polling a port with a deadline, not waiting for time to pass
    raise AssertionError(f"nothing listens on {port}")


def certificate(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


NGINX = """
daemon off; user root; worker_processes 1; pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {cert}; ssl_certificate_key {key};
    location / {{
      proxy_pass http://127.0.0.1:{app};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


@dataclass
class Site:
    port: int
    app: int
    cert: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if shutil.which("nginx") is None:
        pytest.fail("nginx is missing: scripts/bootstrap installs nginx-light")
    root = tmp_path_factory.mktemp("proxy")
    key, cert = certificate(root)
    port, app = free_port(), free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX.format(root=root, port=port, app=app, cert=cert, key=key))
    env = {
        "PATH": "/usr/bin:/bin:/usr/sbin",
        "CRENEAU_DATA_DIR": str(root / "data"),
        "CRENEAU_SITE_URL": f"https://127.0.0.1:{port}",
        "CRENEAU_TRUSTED_PROXY": "127.0.0.1",
    }
    web = subprocess.Popen(
        [".venv/bin/creneau", "run", "--web-only", "--port", str(app)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(root / "web.log").open("wb"),
    )
    proxy = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proxy)
        wait_for_port(app, web)
        yield Site(port, app, cert)
    finally:
        for process in (proxy, web):
            process.terminate()
        for process in (proxy, web):
            process.wait(timeout=30)


@dataclass
class Browser:
    """A client with its own source address and cookies, speaking to one host and port."""

    site: Site
    source: str
    https: bool = True
    port: int = 0
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        port = self.port or self.site.port
        if self.https:
            context = ssl.create_default_context(cafile=str(self.site.cert))
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", port, context=context, source_address=(self.source, 0), timeout=30
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, source_address=(self.source, 0), timeout=30
            )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            origin = f"https://127.0.0.1:{self.site.port}"
            sent |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode(errors="replace")  # type: ignore[attr-defined]
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response

    def form(self, path: str, fields: dict[str, str]) -> http.client.HTTPResponse:
        page = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)  # type: ignore[attr-defined]
        assert token, page.status
        return self.request("POST", path, fields | {"csrfmiddlewaretoken": token.group(1)})


def test_https_pages_are_served_without_a_redirect_loop_and_with_hsts(site):
    response = Browser(site, "127.0.0.2").request("GET", "/connexion/")

    assert response.status in {200, 302}
    assert not (response.headers.get("Location") or "").startswith("https://")
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=31536000")


def test_a_direct_client_cannot_pretend_to_be_on_https(site):
    direct = Browser(site, "127.0.0.5", https=False, port=site.app)

    response = direct.request("GET", "/connexion/", headers={"X-Forwarded-Proto": "https"})

    assert response.status == 301
    assert response.headers["Location"].startswith("https://")


def test_installation_and_login_pass_the_origin_check_and_lockout_follows_the_real_client(site):
    first = Browser(site, "127.0.0.2")
    installed = first.form(
        "/installation/",
        {
            "organisation": "Cimade Saint-Denis",
            "username": "diane",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert installed.status == 302, installed.text  # type: ignore[attr-defined]
    assert "secure" in (installed.headers.get("Set-Cookie") or "").lower()

    attacker = Browser(site, "127.0.0.3")
    for _ in range(5):
        attacker.form("/connexion/", {"username": "diane", "password": "faux"})
    locked = attacker.form("/connexion/", {"username": "diane", "password": PASSWORD})
    assert locked.status == 429

    diane = Browser(site, "127.0.0.4")
    logged_in = diane.form("/connexion/", {"username": "diane", "password": PASSWORD})
    assert logged_in.status == 302, logged_in.text  # type: ignore[attr-defined]
    assert "/connexion/" not in logged_in.headers["Location"]
