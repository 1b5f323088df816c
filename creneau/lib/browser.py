"""The browser seam: the only module that imports Playwright.

``snapshot(url, steps)`` opens a fresh browser context, follows the driver's declarative steps,
and returns a frozen :class:`PageSnapshot` of what a person would have seen: final URL, HTTP
status and headers of the last document, HTML, visible text, MHTML, a full-page PNG and the
texts of native dialogs (``alert()``), with timings and the browser version.

It never raises for what happens on the remote site: a refused connection, a timeout or a
missing button is reported in ``PageSnapshot.error`` so that the attempt is recorded as an
error, never as "no slot".

Unless local addresses are allowed (``allow_local``, by default ``settings.ALLOW_LOCAL_URLS``:
simulators and tests), every request of a context goes through the egress guard
(:mod:`creneau.lib.egress`), which only reaches public addresses. A page it refuses is an
error with the guard's reason; a refused image or ``fetch()`` is simply missing from the page.
"""

import contextlib
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import Browser, Dialog, Page, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from creneau import __version__
from creneau.lib import egress

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # WebRTC may send UDP straight to any address, around the egress guard: TCP through it only.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]

Action = Literal["click", "check", "select", "fill", "wait_for", "press", "goto", "probe"]


@dataclass(frozen=True)
class Step:
    """One navigation step of a driver: ``click`` a selector, ``fill`` it with ``value``…"""

    action: Action
    selector: str = ""
    value: str = ""
    optional: bool = False  # a missing element is skipped instead of being an error


@dataclass(frozen=True)
class Probe:
    """What a ``probe`` step found on the final page: visible elements matching its selector."""

    selector: str
    count: int
    texts: tuple[str, ...] = ()  # inner texts of the first matches
    error: str = ""  # an invalid selector, reported instead of raised


@dataclass(frozen=True)
class PageSnapshot:
    requested_url: str
    final_url: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    html: str
    visible_text: str
    mhtml: bytes
    screenshot: bytes
    dialogs: tuple[str, ...]
    started_at: datetime
    finished_at: datetime
    browser_version: str
    user_agent: str
    viewport_width: int
    error: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    probes: tuple[Probe, ...] = ()

    def header(self, name: str) -> str:
        """The value of a response header (case-insensitive), or an empty string."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return ""


class BrowserUnavailableError(Exception):
    """No Chromium could be started: a problem of this machine, not of the booking site."""


def chromium_path() -> str | None:
    """Playwright's own browser when installed, else Debian's Chromium."""
    if settings.CHROMIUM_PATH:
        return str(settings.CHROMIUM_PATH)
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


_local = threading.local()


def _browser() -> Browser:
    """One browser per thread, launched on first use and kept for later captures."""
    browser: Browser | None = getattr(_local, "browser", None)
    if browser is not None and browser.is_connected():
        return browser
    try:
        playwright: Playwright = getattr(_local, "playwright", None) or sync_playwright().start()
        _local.playwright = playwright
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True
        )
    except PlaywrightError as exc:
        raise BrowserUnavailableError(f"Chromium could not start: {exc.message}") from exc
    _local.browser = browser
    return browser


def close() -> None:
    """Close this thread's browser (end of a worker, end of a test session)."""
    browser: Browser | None = getattr(_local, "browser", None)
    if browser is not None:
        browser.close()
    playwright: Playwright | None = getattr(_local, "playwright", None)
    if playwright is not None:
        playwright.stop()
    _local.browser = None
    _local.playwright = None


def user_agent(browser: Browser) -> str:
    """An honest User-Agent: the real browser, plus who we are and where to reach us."""
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{browser.version} "
        f"Creneau/{__version__} (+{settings.USER_AGENT_CONTACT})"
    )


def _guarded(allow_local: bool | None) -> bool:
    return not (settings.ALLOW_LOCAL_URLS if allow_local is None else allow_local)


def _new_page(
    browser: Browser, agent: str, viewport_width: int, timeout_s: float, guarded: bool
) -> Page:
    options: dict[str, Any] = {}
    if guarded:
        # Chromium sends loopback addresses around any proxy unless told not to: "<-loopback>".
        options["proxy"] = {"server": egress.guard().url, "bypass": "<-loopback>"}
    context = browser.new_context(
        viewport={"width": viewport_width, "height": 768},
        locale="fr-FR",
        timezone_id="Europe/Paris",
        user_agent=agent,
        service_workers="block",
        **options,
    )
    context.set_default_timeout(timeout_s * 1000)
    return context.new_page()


@contextmanager
def _page(
    viewport_width: int, timeout_s: float, guarded: bool
) -> Iterator[tuple[Page, Browser, str]]:
    browser = _browser()
    agent = user_agent(browser)
    page = _new_page(browser, agent, viewport_width, timeout_s, guarded)
    try:
        yield page, browser, agent
    finally:
        page.context.close()


def _run_step(page: Page, step: Step) -> None:
    if step.action == "goto":
        page.goto(step.value, wait_until="load")
        return
    locator = page.locator(step.selector).first
    if step.optional and locator.count() == 0:
        return
    if step.action == "click":
        locator.click()
        page.wait_for_load_state("load")
    elif step.action == "check":
        locator.check()
    elif step.action == "select":
        locator.select_option(step.value)
    elif step.action == "fill":
        locator.fill(step.value)
    elif step.action == "press":
        locator.press(step.value)
        page.wait_for_load_state("load")
    elif step.action == "wait_for":
        locator.wait_for(state="visible")
    # "probe" steps do nothing here: they are measured on the final page, after it settles.


def snapshot(
    url: str,
    steps: Sequence[Step] = (),
    *,
    timeout_s: float = 30.0,
    viewport_width: int = 1366,
    allow_local: bool | None = None,
) -> PageSnapshot:
    """Visit ``url``, follow ``steps``, and freeze what the page shows."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    timings: dict[str, float] = {}
    dialogs: list[str] = []
    documents: list[Response] = []
    error = ""
    guarded = _guarded(allow_local)
    with _page(viewport_width, timeout_s, guarded) as (page, browser, agent):

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        def on_response(response: Response) -> None:
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                documents.append(response)

        page.on("dialog", on_dialog)
        page.on("response", on_response)
        try:
            page.goto(url, wait_until="load")
            timings["goto"] = time.monotonic() - clock
            for number, step in enumerate(steps, start=1):
                if documents and documents[-1].status >= 400:
                    break  # an error page has none of the buttons: stop, it is the answer
                try:
                    _run_step(page, step)
                except PlaywrightError as exc:
                    error = f"step {number} ({step.action} {step.selector}) failed: {exc.message}"
                    break
            _settle(page)
        except PlaywrightError as exc:
            error = f"navigation failed: {exc.message.splitlines()[0]}"
            error += _guard_reason(url, error) if guarded else ""
        timings["steps"] = time.monotonic() - clock
        probes = _probe(page, [step.selector for step in steps if step.action == "probe"])
        frozen = _freeze(page)
        timings["total"] = time.monotonic() - clock
        last = documents[-1] if documents else None
        refused = _refused_by_guard(last) if guarded else ""
        return PageSnapshot(
            requested_url=url,
            final_url=page.url,
            status=last.status if last and not refused else None,
            headers=tuple(_pairs(last)) if last else (),
            html=frozen.html,
            visible_text=frozen.text,
            mhtml=frozen.mhtml,
            screenshot=frozen.png,
            dialogs=tuple(dialogs),
            started_at=started,
            finished_at=datetime.now(UTC),
            browser_version=browser.version,
            user_agent=agent,
            viewport_width=viewport_width,
            error=refused or error or frozen.error,
            timings=timings,
            probes=probes,
        )


def _refused_by_guard(document: Response | None) -> str:
    """The guard's reason when it answered the page itself instead of the site (plain http)."""
    reason = document.headers.get(egress.HEADER.lower(), "") if document else ""
    return f"refused by the egress guard: {reason}" if reason else ""


def _guard_reason(url: str, message: str) -> str:
    """What the guard said about a failed https navigation: Chromium only reports
    ERR_TUNNEL_CONNECTION_FAILED when the guard refuses or cannot forward a CONNECT."""
    if "ERR_TUNNEL_CONNECTION_FAILED" not in message:
        return ""
    reason = egress.guard().refusal_for(urlsplit(url).hostname or "")
    reason = reason or "refused or could not reach an address on the way"
    return f" (egress guard: {reason})"


def _pairs(response: Response) -> list[tuple[str, str]]:
    return [(h["name"].lower(), h["value"]) for h in response.headers_array()]


def _settle(page: Page) -> None:
    """Let late scripts (calendars filled by AJAX, alerts after load) finish, within bounds."""
    # A page that keeps polling is still captured as it stands.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5000)


PROBE_TEXTS = 20


def _probe(page: Page, selectors: Sequence[str]) -> tuple[Probe, ...]:
    """Count the *visible* elements matching each selector; hidden markup proves nothing."""
    found = []
    for selector in selectors:
        try:
            visible = page.locator(selector).filter(visible=True)
            texts = visible.all_inner_texts()[:PROBE_TEXTS]
            found.append(Probe(selector, visible.count(), tuple(t.strip() for t in texts)))
        except PlaywrightError as exc:
            found.append(Probe(selector, 0, error=exc.message.splitlines()[0]))
    return tuple(found)


@dataclass(frozen=True)
class _Frozen:
    html: str = ""
    text: str = ""
    mhtml: bytes = b""
    png: bytes = b""
    error: str = ""


def _freeze(page: Page) -> _Frozen:
    """HTML, visible text, MHTML and full-page PNG of the page as it stands."""
    try:
        html = page.content()
        text = page.evaluate("() => document.body ? document.body.innerText : ''")
        session = page.context.new_cdp_session(page)
        mhtml = session.send("Page.captureSnapshot", {"format": "mhtml"})["data"].encode()
        session.detach()
        png = page.screenshot(full_page=True, type="png", animations="disabled")
    except PlaywrightError as exc:
        return _Frozen(error=f"the page could not be saved: {exc.message.splitlines()[0]}")
    return _Frozen(html=html, text=str(text), mhtml=mhtml, png=png)


# --- Live sessions (assisted attempts) ------------------------------------------------------
#
# An assisted attempt keeps one page open while a person reads a challenge on their phone and
# answers it. Playwright objects belong to the thread that made them, so a session lives in the
# thread that opened it: every call below must come from that same thread (the caller keeps a
# dedicated thread per session, see creneau.scheduling.assisted). Software never answers a
# challenge: ``session_continue`` only types what a person gave.


@dataclass
class _Session:
    page: Page
    agent: str
    requested_url: str
    viewport_width: int
    started: datetime
    dialogs: list[str]
    documents: list[Response]
    guarded: bool = False


def _last(session: _Session) -> Response | None:
    return session.documents[-1] if session.documents else None


def _sessions() -> dict[str, _Session]:
    found: dict[str, _Session] | None = getattr(_local, "sessions", None)
    if found is None:
        found = _local.sessions = {}
    return found


def open_session(
    url: str,
    steps: Sequence[Step] = (),
    *,
    timeout_s: float = 30.0,
    viewport_width: int = 1366,
    allow_local: bool | None = None,
) -> tuple[str, str]:
    """Open ``url`` in a new context, follow ``steps``; return (session id, error or "")."""
    browser = _browser()
    agent = user_agent(browser)
    guarded = _guarded(allow_local)
    page = _new_page(browser, agent, viewport_width, timeout_s, guarded)
    session = _Session(page, agent, url, viewport_width, datetime.now(UTC), [], [], guarded)
    _listen(session)
    session_id = uuid.uuid4().hex
    _sessions()[session_id] = session
    error = _follow(page, [Step("goto", value=url), *steps])
    if error and guarded:
        error += _guard_reason(url, error)
    return session_id, _refused_by_guard(_last(session)) or error


def _listen(session: _Session) -> None:
    page = session.page

    def on_dialog(dialog: Dialog) -> None:
        session.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            session.documents.append(response)

    page.on("dialog", on_dialog)
    page.on("response", on_response)


def _follow(page: Page, steps: Sequence[Step]) -> str:
    for number, step in enumerate(steps, start=1):
        try:
            _run_step(page, step)
        except PlaywrightError as exc:
            return f"step {number} ({step.action} {step.selector}) failed: {exc.message}"
    _settle(page)
    return ""


def session_screenshot(session_id: str, selector: str) -> bytes:
    """A PNG of the first visible element matching ``selector`` (b"" when there is none)."""
    page = _sessions()[session_id].page
    locator = page.locator(selector).filter(visible=True).first
    try:
        if locator.count() == 0:
            return b""
        return locator.screenshot(type="png", animations="disabled")
    except PlaywrightError:
        return b""


def session_continue(session_id: str, steps: Sequence[Step]) -> PageSnapshot:
    """Follow ``steps`` (typing a person's answer) and freeze the page as :func:`snapshot` does."""
    session = _sessions()[session_id]
    clock = time.monotonic()
    error = _follow(session.page, steps)
    return _session_snapshot(session, error, {"steps": time.monotonic() - clock})


def session_snapshot(session_id: str) -> PageSnapshot:
    """Freeze the page as it stands."""
    return _session_snapshot(_sessions()[session_id], "", {})


def _session_snapshot(session: _Session, error: str, timings: dict[str, float]) -> PageSnapshot:
    page = session.page
    frozen = _freeze(page)
    last = _last(session)
    refused = _refused_by_guard(last) if session.guarded else ""
    browser = _browser()
    return PageSnapshot(
        requested_url=session.requested_url,
        final_url=page.url,
        status=last.status if last and not refused else None,
        headers=tuple(_pairs(last)) if last else (),
        html=frozen.html,
        visible_text=frozen.text,
        mhtml=frozen.mhtml,
        screenshot=frozen.png,
        dialogs=tuple(session.dialogs),
        started_at=session.started,
        finished_at=datetime.now(UTC),
        browser_version=browser.version,
        user_agent=session.agent,
        viewport_width=session.viewport_width,
        error=refused or error or frozen.error,
        timings=timings,
    )


def close_session(session_id: str) -> None:
    session = _sessions().pop(session_id, None)
    if session is not None:
        with contextlib.suppress(PlaywrightError):
            session.page.context.close()
