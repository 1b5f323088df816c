"""A loopback site whose pages load, fetch, change and hold requests the way booking pages do.

``held`` requests (paths under ``/held/``) wait until the test lets them go, so a test can act
while Chromium is in the middle of a page, without sleeping.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NO_SLOT = "Aucun créneau disponible pour le moment."
SLOTS = "Créneaux disponibles : mardi 10 h 30"

PAGES = {
    # The answer comes from a request made after load, which the site takes its time to answer.
    "/filled-later": "<p id=t>Chargement…</p><script>fetch('/held/answer')"
    ".then((r) => r.text()).then((t) => { document.getElementById('t').textContent = t; });"
    "</script>",
    # The no-slot sentence is shown, but a request the page made is never answered.
    "/never-done": f"<p>{NO_SLOT}</p><script>fetch('/never');</script>",
    # Changes every few milliseconds: no two readings agree.
    "/ticking": f"<p>{NO_SLOT}</p><p id=n>0</p><script>let n = 0; setInterval(() => "
    "{ document.getElementById('n').textContent = String(++n); }, 5);</script>",
    # Changes once, just after its text was first read (the screenshot would show the change).
    "/changes-once-read": f"<p id=t>{NO_SLOT}</p><script>"
    "const inner = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'innerText');"
    "let done = false;"
    "Object.defineProperty(HTMLElement.prototype, 'innerText', {configurable: true, get() {"
    "  const value = inner.get.call(this);"
    "  if (!done) { done = true; setTimeout(() => {"
    f"    document.getElementById('t').textContent = '{SLOTS}'; }}, 0); }}"
    "  return value; }});</script>",
    "/held-page": "<p>Page retenue</p>",
    # A challenge whose site controls sit in the same box as the code (a reload icon in a link,
    # a listen button), painted red; the code is a blue canvas. Any red in a crop is a control.
    # The same parts drawn by a custom element inside its (open) shadow root.
    "/challenge-shadow": "<form><rdv-captchetat></rdv-captchetat><input name=answer></form>"
    "<script>const root = document.querySelector('rdv-captchetat').attachShadow({mode: 'open'});"
    "root.innerHTML = `<div class=captcha><img id=captchaFR_CaptchaImage width=170 height=50 "
    "src=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='170' "
    "height='50'%3E%3Crect width='170' height='50' fill='blue'/%3E%3C/svg%3E\">"
    "<a href='/plain' style='color:red'>Générer un nouveau code</a></div>`;</script>",
    "/challenge-inline": "<form><p>Recopiez le code.</p>"
    "<div class=captcha style='display:flex;gap:12px;align-items:center;padding:10px'>"
    "<a href='/plain' title='Générer un nouveau code'><img alt='Générer un nouveau code' "
    "width=32 height=32 src=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' "
    "width='32' height='32'%3E%3Crect width='32' height='32' fill='red'/%3E%3C/svg%3E\"></a>"
    "<canvas id=code width=200 height=60></canvas>"
    "<button type=button style='background:red;color:red;border:0'>Écouter le code</button>"
    "</div><input name=answer></form><script>const c = document.getElementById('code')"
    ".getContext('2d'); c.fillStyle = 'blue'; c.fillRect(0, 0, 200, 60);</script>",
    "/plain": f"<h1>Prise de rendez-vous</h1><p>{NO_SLOT}</p>",
    # A form, as booking pages have: fields a screenshot tool may restyle while it works.
    "/form": f"<p>{NO_SLOT}</p><form><input name=q autofocus><textarea></textarea></form>",
}


@dataclass
class Site:
    url: str
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    holding: int = 0
    peak: int = 0
    cookies: list[tuple[str, str]] = field(default_factory=list)  # (path, Cookie header)
    held_done: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def held(self) -> int:
        with self.lock:
            return self.holding

    def let_one_go(self) -> None:
        self.held_done.release()


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:
        site = self.server.site
        site.cookies.append((self.path, self.headers.get("Cookie") or ""))
        if self.path == "/never":
            site.release.wait()  # until the test ends
            return
        if self.path.startswith("/held"):
            with site.lock:
                site.holding += 1
                site.peak = max(site.peak, site.holding)
            self._hold(site)
        body = NO_SLOT if self.path == "/held/answer" else self._page()
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Set-Cookie", f"visit={len(site.cookies)}; Path=/")
        self.end_headers()
        self.wfile.write(data)

    def _hold(self, site: Site) -> None:
        while not site.release.is_set() and not site.held_done.acquire(timeout=0.05):
            pass
        with site.lock:
            site.holding -= 1

    def _page(self) -> str:
        path = "/held-page" if self.path.startswith("/held/") else self.path
        return f"<!doctype html><html lang=fr><meta charset=utf-8>{PAGES.get(path, '')}</html>"

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


@contextmanager
def site() -> Iterator[Site]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = Site(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.site
    finally:
        server.site.release.set()
        server.shutdown()
        server.server_close()
