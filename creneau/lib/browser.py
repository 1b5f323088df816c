"""The browser seam: the only module that imports Playwright.

``snapshot(url, steps)`` opens a fresh browser context, follows the driver's declarative steps,
waits until the page has answered, and returns a frozen :class:`PageSnapshot` of what a person
would have seen: final URL, HTTP status and headers of the last document, HTML, visible text,
MHTML, a full-page PNG and the texts of native dialogs (``alert()``), with timings and the
browser version.

It never raises for what happens on the remote site: a refused connection, a timeout, a missing
button or a site that never answers is reported in ``PageSnapshot.error`` so that the attempt is
recorded as an error, never as "no slot".

**One browser per process.** Every capture of a process runs in one Chromium, driven from one
asyncio loop on one thread (``creneau-browser``); any thread may ask for a capture and gets the
frozen snapshot back, so callers keep using the database around it. Each capture has a context
of its own (cookies, storage and cache are never shared), at most ``settings.BROWSER_CAPTURES``
at once. A browser that died is launched again for the next capture; the capture it took down
is an error.

**A hard deadline.** A capture that has not finished after ``deadline_s`` (by default
``settings.CAPTURE_DEADLINE_S``) is stopped wherever it stands, its context closed, and it is
an error that says so. Each step's own waits are bounded by ``timeout_s`` besides.

**Settling.** After the last step the page is ready once nothing it needs is in flight (its
documents, scripts, styles, XHR and fetch; never images, fonts or media), and either the driver's
:class:`Ready` signal is shown or the network has been quiet for ``QUIET_S``; at most
``SETTLE_MAX_S`` in all. The page is then frozen, and the freeze is **checked**: a DOM mutation
counter (installed before any page script runs) and the visible text are read again after the
screenshot. Unchanged, the HTML, text, probes, MHTML and PNG are proven to be of one state of
the page, the state every judgement reads. Changed, the page is frozen again; a page that keeps
changing is marked ``coherent=False``, and one still loading at the bound carries the reason in
``unsettled``: the honesty rule never reads either as ``no_slot``. The first freeze marks the
counter, then reads everything at once: it holds only if the counter never moved until the
check. Later freezes read the HTML and text first, then the rest, and hold when the counter or
the visible text is unchanged. The quiet time runs while the page is frozen; whoever captures
may start on the frozen page meanwhile (:func:`snapshot_with`), and keeps that work only if the
freeze holds.

Unless local addresses are allowed (``allow_local``, by default ``settings.ALLOW_LOCAL_URLS``:
simulators and tests), every request of a context goes through the egress guard
(:mod:`creneau.lib.egress`), which only reaches public addresses. A page it refuses is an
error with the guard's reason; a refused image or ``fetch()`` is simply missing from the page.
"""

import asyncio
import contextlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Dialog,
    Page,
    Playwright,
    Request,
    Response,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

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
# Which process a Chromium belongs to, for the operator reading `ps` (Chromium ignores it).
OWNER_SWITCH = "--creneau-worker"

SETTLE_MAX_S = 5.0  # the bounded fallback: a page still loading after this is taken as it is
QUIET_S = 0.2  # a page that declared no readiness: network quiet this long after its last need
POLL_S = 0.02
FREEZE_ROUNDS = 4
CLOSE_S = 10.0  # a context that cannot close within this means a wedged browser: relaunch it
# Requests a page needs before it can be judged; images, fonts, media, beacons and event
# streams are never waited for (a page may poll or stream forever).
NEEDED = frozenset({"document", "script", "stylesheet", "xhr", "fetch"})
PROBE_TEXTS = 20
PENDING_SHOWN = 3

Action = Literal["click", "check", "select", "fill", "wait_for", "press", "goto", "probe"]
T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One navigation step of a driver: ``click`` a selector, ``fill`` it with ``value``…"""

    action: Action
    selector: str = ""
    value: str = ""
    optional: bool = False  # a missing element is skipped instead of being an error


@dataclass(frozen=True)
class Ready:
    """When a driver knows its page has answered, so that no quiet time is waited for.

    Any one suffices: a visible element matching one of ``selectors`` (CSS), one of ``texts``
    in the visible text (case, spaces and apostrophes folded), or a native dialog (``dialog``).
    ``ignore``: parts of request URLs the page never needs (its own polling, a chat widget).
    Readiness only shortens the wait: nothing in flight is still required, and a page that
    never shows it is taken after the usual quiet time.
    """

    selectors: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    dialog: bool = False
    ignore: tuple[str, ...] = ()


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
    # Why the page may not have reached its final state (requests still in flight at the bound).
    unsettled: str = ""
    # False when the page kept changing while it was saved: the screenshot may show another
    # state than the HTML and text every judgement reads.
    coherent: bool = True
    freezes: int = 0  # how many times the page was frozen before one freeze held
    answered: bool = False  # the driver's readiness (``Ready``) was shown on the frozen page

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


def user_agent(version: str) -> str:
    """An honest User-Agent: the real browser, plus who we are and where to reach us."""
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{version} "
        f"Creneau/{__version__} (+{settings.USER_AGENT_CONTACT})"
    )


# --- In the page -----------------------------------------------------------------------------

# Installed before any script of the page: counts DOM mutations, so that a freeze can prove
# nothing changed between reading the HTML and taking the screenshot.
WATCH_DOM = """(() => {
  let count = 0;
  const observer = new MutationObserver((records) => { count += records.length; });
  observer.observe(document, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  Object.defineProperty(window, "__creneauDom", {value: () => count});
})();"""

# HTML (as Playwright's page.content()), visible text and the mutation count, in one task.
READ = """() => {
  const count = window.__creneauDom ? window.__creneauDom() : -1;
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
  const root = document.documentElement ? document.documentElement.outerHTML : "";
  const text = document.body ? document.body.innerText : "";
  return {html: doctype + root, text: text, count: count, href: location.href};
}"""

# Before the first freeze's reads: the mutation count, so that the HTML, MHTML and PNG taken
# at once after it are proven of one state by the same count after them.
MARK = "() => window.__creneauDom ? window.__creneauDom() : -1"

# After the freeze: still the same state? The text is read again only when the DOM changed
# (or when the driver's readiness is a text); ``ready``: the driver's readiness is shown.
CHECK = """([before, selectors, texts]) => {
  const count = window.__creneauDom ? window.__creneauDom() : -1;
  const same = count !== -1 && count === before;
  const fold = (x) => x.normalize("NFKC").replace(/[\u2019\u2018\u02bc]/g, "'")
    .replace(/\\s+/g, " ").toLowerCase();
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  let ready = false;
  for (const selector of selectors) {
    try { ready = ready || [...document.querySelectorAll(selector)].some(shown); } catch (e) {}
  }
  const seen = !same || (!ready && texts.length) ? (document.body ? document.body.innerText : "")
    : null;
  if (!ready && texts.length) {
    const folded = fold(seen);
    ready = texts.some((t) => folded.includes(fold(t)));
  }
  return {same: same, text: same ? null : seen, href: location.href, ready: ready};
}"""


# --- One page being visited ------------------------------------------------------------------


class _Traffic:
    """The requests a page needs that are still in flight, and when the last one ended."""

    def __init__(self, page: Page, ignore: Sequence[str]) -> None:
        self.ignore = tuple(ignore)
        self.inflight: dict[Request, float] = {}  # → when it started
        self.last = time.monotonic()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Request) -> None:
        if request.resource_type in NEEDED and not any(p in request.url for p in self.ignore):
            self.last = self.inflight[request] = time.monotonic()

    def _end(self, request: Request) -> None:
        if self.inflight.pop(request, None) is not None:
            self.last = time.monotonic()

    def quiet_s(self) -> float:
        return 0.0 if self.inflight else time.monotonic() - self.last

    def pending(self, since: float) -> str:
        """The requests started before ``since`` and still in flight, said in one line."""
        urls = sorted(request.url for request, start in self.inflight.items() if start < since)
        shown = ", ".join(url[:120] for url in urls[:PENDING_SHOWN])
        return f"{len(urls)} request(s) still in flight: {shown}" if urls else ""


@dataclass
class _View:
    """A page and what was seen on it: dialogs, main-frame documents, requests in flight."""

    page: Page
    opening: "asyncio.Task[CDPSession]"  # made beside the first navigation
    traffic: _Traffic
    ready: Ready
    dialogs: list[str] = field(default_factory=list)
    documents: list[Response] = field(default_factory=list)
    stage: str = "opening a context"
    answered: bool = False  # the driver's readiness was seen on the frozen page
    # Given a freeze the check is still proving (while the page's quiet time runs out): lets a
    # caller start on it early (``snapshot_with``). None when nobody asked.
    provide: "Callable[[_Frozen], Awaitable[None]] | None" = None

    def last(self) -> Response | None:
        return self.documents[-1] if self.documents else None

    async def cdp(self) -> CDPSession:
        return await self.opening


async def _open_view(context: BrowserContext, ready: Ready, page: Page | None = None) -> _View:
    page = page or await context.new_page()
    opening = asyncio.ensure_future(context.new_cdp_session(page))
    view = _View(page, opening, _Traffic(page, ready.ignore), ready)

    async def on_dialog(dialog: Dialog) -> None:
        view.dialogs.append(dialog.message)
        with contextlib.suppress(PlaywrightError):
            await dialog.dismiss()

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            view.documents.append(response)

    page.on("dialog", on_dialog)
    page.on("response", on_response)
    return view


async def _run_step(page: Page, step: Step) -> None:
    if step.action == "goto":
        await page.goto(step.value, wait_until="load")
        return
    locator = page.locator(step.selector).first
    if step.optional and await locator.count() == 0:
        return
    if step.action == "click":
        await locator.click()
        await page.wait_for_load_state("load")
    elif step.action == "check":
        await locator.check()
    elif step.action == "select":
        await locator.select_option(step.value)
    elif step.action == "fill":
        await locator.fill(step.value)
    elif step.action == "press":
        await locator.press(step.value)
        await page.wait_for_load_state("load")
    elif step.action == "wait_for":
        await locator.wait_for(state="visible")
    # "probe" steps do nothing here: they are measured on the final page, after it settles.


async def _follow(view: _View, steps: Sequence[Step], stop_on_error_page: bool = True) -> str:
    """Follow ``steps``; the reason of the first that failed, or ""."""
    for number, step in enumerate(steps, start=1):
        last = view.last()
        if stop_on_error_page and last is not None and last.status >= 400:
            break  # an error page has none of the buttons: stop, it is the answer
        view.stage = f"step {number} ({step.action} {step.selector})".replace(" )", ")")
        try:
            await _run_step(view.page, step)
        except PlaywrightError as exc:
            return f"step {number} ({step.action} {step.selector}) failed: {exc.message}"
    return ""


async def _stop_loading(view: _View) -> None:
    """After a failed navigation: stop it, so that the page can be read as it stands."""
    with contextlib.suppress(PlaywrightError):
        await (await view.cdp()).send("Page.stopLoading")


async def _wait_idle(view: _View, until: float) -> bool:
    """Wait until nothing the page needs is in flight; False at the bound."""
    while view.traffic.inflight:
        if time.monotonic() >= until:
            return False
        await asyncio.sleep(POLL_S)
    return True


@dataclass(frozen=True)
class _Frozen:
    html: str = ""
    text: str = ""
    mhtml: bytes = b""
    png: bytes = b""
    probes: tuple[Probe, ...] = ()
    error: str = ""
    count: int = -1
    href: str = ""
    dialogs: int = 0
    at: float = 0.0  # when the freeze began (monotonic)
    freezes: int = 0
    answered: bool = False
    unsettled: str = ""
    coherent: bool = True
    headers: tuple[tuple[str, str], ...] = ()  # of the last main-frame document
    strict: bool = False  # read all at once: any change before the check voids the freeze


async def _probe(page: Page, selectors: Sequence[str]) -> tuple[Probe, ...]:
    """Count the *visible* elements matching each selector; hidden markup proves nothing."""
    found = []
    for selector in selectors:
        try:
            visible = page.locator(selector).filter(visible=True)
            texts = (await visible.all_inner_texts())[:PROBE_TEXTS]
            found.append(Probe(selector, await visible.count(), tuple(t.strip() for t in texts)))
        except PlaywrightError as exc:
            found.append(Probe(selector, 0, error=exc.message.splitlines()[0]))
    return tuple(found)


async def _timed(timings: dict[str, float], name: str, work: Awaitable[T]) -> T:
    clock = time.monotonic()
    try:
        return await work
    finally:
        timings[name] = time.monotonic() - clock


async def _freeze_once(
    view: _View, probes: Sequence[str], timings: dict[str, float], at_once: bool
) -> _Frozen:
    """HTML and text (one task of the page), MHTML, PNG and probes of the page as it stands.

    ``at_once``: the mutation count is read first and everything else at the same time, so the
    page must not change at all until the check (``strict``); otherwise the HTML and text are
    read before the rest, and a later change that leaves the text as it was is accepted."""
    page, at = view.page, time.monotonic()
    try:
        mark = await _timed(timings, "mark", page.evaluate(MARK)) if at_once else None
        read, mhtml, png, found = (
            await asyncio.gather(
                _timed(timings, "html", page.evaluate(READ)),
                _timed(timings, "mhtml", _mhtml(view)),
                _timed(timings, "png", _screenshot(page)),
                _timed(timings, "probes", _probe(page, probes)),
            )
            if at_once
            else await _read_then_rest(view, probes, timings)
        )
    except PlaywrightError as exc:
        return _Frozen(error=f"the page could not be saved: {exc.message.splitlines()[0]}")
    count = int(read["count"])
    return _Frozen(
        html=str(read["html"]),
        text=str(read["text"]),
        mhtml=str(mhtml["data"]).encode(),
        png=png,
        probes=found,
        count=count if mark is None or count == mark else -1,  # -1: changed while read
        href=str(read["href"]),
        dialogs=len(view.dialogs),
        at=at,
        strict=at_once,
    )


async def _read_then_rest(
    view: _View, probes: Sequence[str], timings: dict[str, float]
) -> tuple[Any, Any, bytes, tuple[Probe, ...]]:
    page = view.page
    read = await _timed(timings, "html", page.evaluate(READ))
    mhtml, png, found = await asyncio.gather(
        _timed(timings, "mhtml", _mhtml(view)),
        _timed(timings, "png", _screenshot(page)),
        _timed(timings, "probes", _probe(page, probes)),
    )
    return read, mhtml, png, found


async def _screenshot(page: Page) -> bytes:
    # caret="initial": Playwright would otherwise restyle every field while it takes the PNG,
    # and the HTML and MHTML read meanwhile would carry that style.
    return await page.screenshot(full_page=True, type="png", animations="disabled", caret="initial")


async def _mhtml(view: _View) -> Any:
    return await (await view.cdp()).send("Page.captureSnapshot", {"format": "mhtml"})


async def _unchanged(view: _View, frozen: _Frozen, until: float) -> bool | None:
    """After a freeze: True when the page is still in the frozen state and settled, False when
    it changed, None when it is unchanged but still waits at the bound for a request that began
    before the freeze (a request begun since, like a page's polling, changed nothing so far)."""
    ready = view.ready
    signal = bool(ready.selectors or ready.texts or ready.dialog)
    while True:
        bounded = not await _wait_idle(view, until)
        quiet = view.traffic.quiet_s()
        if not (bounded or signal) and quiet < QUIET_S and time.monotonic() < until:
            # Nothing can answer before the quiet time ends: look at the page only then.
            await _provide(view, frozen)
            await asyncio.sleep(min(QUIET_S - quiet, until - time.monotonic()))
            continue
        seen = await view.page.evaluate(
            CHECK, [frozen.count, list(ready.selectors), list(ready.texts)]
        )
        moved = seen["href"] != frozen.href or len(view.dialogs) != frozen.dialogs
        if moved or (not seen["same"] and (frozen.strict or seen["text"] != frozen.text)):
            return False
        if bounded:
            return None if view.traffic.pending(frozen.at) else True
        view.answered = bool(seen["ready"]) or (ready.dialog and bool(view.dialogs))
        quiet = view.traffic.quiet_s()
        if view.answered or quiet >= QUIET_S or time.monotonic() >= until:
            return True
        await _provide(view, frozen)
        await asyncio.sleep(QUIET_S - quiet)


async def _provide(view: _View, frozen: _Frozen) -> None:
    if view.provide is not None:
        await view.provide(replace(frozen, answered=view.answered))


async def _settle_and_freeze(
    view: _View, probes: Sequence[str], timings: dict[str, float], settle: bool
) -> _Frozen:
    """Freeze the page once it has settled, proving the freeze is of one state of the page."""
    until = time.monotonic() + (SETTLE_MAX_S if settle else 0.0)
    clock = time.monotonic()
    view.stage = "waiting for the page to settle"
    await _wait_idle(view, until)
    timings["settle"] = time.monotonic() - clock
    frozen = _Frozen()
    for round in range(1, FREEZE_ROUNDS + 1):
        view.stage = "saving the page"
        frozen = await _freeze_once(view, probes, timings, at_once=round == 1)
        if frozen.error:
            return frozen
        try:
            frozen = replace(frozen, freezes=round)
            same = await _timed(timings, "check", _unchanged(view, frozen, until))
        except PlaywrightError as exc:
            return _Frozen(error=f"the page could not be saved: {exc.message.splitlines()[0]}")
        frozen = replace(frozen, answered=view.answered)
        if same is None:
            return replace(frozen, unsettled=view.traffic.pending(frozen.at))
        if same:
            return frozen
        if time.monotonic() >= until:
            break
    return replace(frozen, coherent=False, unsettled="the page kept changing while it was saved")


# --- The engine: one loop, one browser ------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    url: str
    steps: tuple[Step, ...]
    timeout_s: float
    viewport_width: int
    proxy: str | None  # the egress guard's address, None when local addresses are allowed
    deadline_s: float
    ready: Ready
    # Set (from the loop) to the snapshot of a freeze still being proven unchanged.
    early: "Future[PageSnapshot] | None" = None


@dataclass(frozen=True)
class _Made:
    context: BrowserContext
    page: Page
    agent: str
    version: str


@dataclass(frozen=True)
class _Spare:
    key: tuple[int, str | None]  # viewport width, proxy
    task: "asyncio.Task[_Made]"


@dataclass
class _Session:
    view: _View
    context: BrowserContext
    agent: str
    requested_url: str
    viewport_width: int
    started: datetime
    guarded: bool


class _Engine:
    """The process's browser, driven from an asyncio loop on a thread of its own."""

    def __init__(self, captures: int) -> None:
        self.captures = captures
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="creneau-browser", daemon=True)
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None
        self.sessions: dict[str, _Session] = {}
        self.closing: set[asyncio.Task[None]] = set()
        self.spare: _Spare | None = None
        self.thread.start()
        self.slots, self.launching = self.call(self._primitives())

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    async def _primitives(self) -> tuple[asyncio.Semaphore, asyncio.Lock]:
        return asyncio.Semaphore(self.captures), asyncio.Lock()

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the loop; wait for its result in the calling thread."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    async def ready_browser(self) -> Browser:
        """The browser, launched (again) when there is none or it died."""
        async with self.launching:
            if self.browser is not None and self.browser.is_connected():
                return self.browser
            self.browser = None
            try:
                if self.playwright is None:
                    self.playwright = await async_playwright().start()
                self.browser = await self.playwright.chromium.launch(
                    executable_path=chromium_path(),
                    args=[*LAUNCH_ARGS, f"{OWNER_SWITCH}={os.getpid()}"],
                    headless=True,
                )
            except PlaywrightError as exc:
                raise BrowserUnavailableError(f"Chromium could not start: {exc.message}") from exc
            return self.browser

    async def new_context(
        self, viewport_width: int, timeout_s: float, proxy: str | None
    ) -> tuple[BrowserContext, str, str]:
        browser = await self.ready_browser()
        agent = user_agent(browser.version)
        options: dict[str, Any] = {}
        if proxy:
            # Chromium sends loopback addresses around any proxy unless told not to.
            options["proxy"] = {"server": proxy, "bypass": "<-loopback>"}
        context = await browser.new_context(
            viewport={"width": viewport_width, "height": 768},
            locale="fr-FR",
            timezone_id="Europe/Paris",
            user_agent=agent,
            service_workers="block",
            **options,
        )
        context.set_default_timeout(timeout_s * 1000)
        await context.add_init_script(WATCH_DOM)
        return context, agent, browser.version

    def close_later(self, context: BrowserContext, then: Callable[[], None]) -> None:
        """Close ``context`` in the background (the caller does not wait for it)."""
        task = self.loop.create_task(self._close(context, then))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def _close(self, context: BrowserContext, then: Callable[[], None]) -> None:
        try:
            await asyncio.wait_for(context.close(), CLOSE_S)
        except TimeoutError:
            await self._drop_browser()  # it cannot even close a context: start afresh
        except PlaywrightError:
            pass  # the browser is already gone; the next capture launches another
        finally:
            then()

    async def _drop_browser(self) -> None:
        browser, self.browser = self.browser, None
        if browser is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(browser.close(), CLOSE_S)

    async def background(self) -> None:
        """Wait for the work done between captures: contexts closing, the spare being made."""
        if self.closing:
            await asyncio.wait(list(self.closing))
        if self.spare is not None:
            await asyncio.wait([self.spare.task])

    async def shutdown(self) -> None:
        await self._discard_spare()
        for session in list(self.sessions.values()):
            with contextlib.suppress(PlaywrightError):
                await session.context.close()
        self.sessions.clear()
        if self.closing:
            await asyncio.wait(list(self.closing))
        await self._drop_browser()
        if self.playwright is not None:
            await self.playwright.stop()
            self.playwright = None

    # -- a context ready before it is needed --

    async def _made(self, key: tuple[int, str | None]) -> _Made:
        context, agent, version = await self.new_context(key[0], 30.0, key[1])
        return _Made(context, await context.new_page(), agent, version)

    def _prepare_spare(self, key: tuple[int, str | None]) -> None:
        """Make the next capture's context and page now, while nothing waits for them."""
        if self.spare is None:
            self.spare = _Spare(key, self.loop.create_task(self._made(key)))

    async def _discard_spare(self) -> None:
        spare, self.spare = self.spare, None
        if spare is not None:
            with contextlib.suppress(PlaywrightError, BrowserUnavailableError):
                made = await spare.task
                await _close_quietly(made.context)

    async def _take_spare(self, key: tuple[int, str | None]) -> "_Made | None":
        """The spare context when it fits and its browser is still alive, else None."""
        if self.spare is None or self.spare.key != key:
            await self._discard_spare()
            return None
        spare, self.spare = self.spare, None
        try:
            made = await spare.task
        except (PlaywrightError, BrowserUnavailableError):
            return None
        if self.browser is None or made.context.browser is not self.browser:
            await _close_quietly(made.context)
            return None
        if not self.browser.is_connected() or made.page.is_closed():
            return None
        return made

    # -- one capture --

    async def _context_for(self, job: _Job) -> _Made:
        """A new context and page (the spare when it fits); a browser that fails to make one is
        replaced once."""
        key = (job.viewport_width, job.proxy)
        made = await self._take_spare(key)
        if made is None:
            try:
                made = await self._made(key)
            except PlaywrightError:
                await self._drop_browser()
                try:
                    made = await self._made(key)
                except PlaywrightError as exc:
                    raise BrowserUnavailableError(f"Chromium failed: {exc.message}") from exc
        made.context.set_default_timeout(job.timeout_s * 1000)
        return made

    async def capture(self, job: _Job) -> PageSnapshot:
        started, clock = datetime.now(UTC), time.monotonic()
        await self.slots.acquire()
        try:
            made = await self._context_for(job)
        except BaseException:
            self.slots.release()
            raise
        context, agent, version = made.context, made.agent, made.version
        timings = {"context": time.monotonic() - clock}
        view: _View | None = None
        early: _Early | None = None
        try:
            async with asyncio.timeout(job.deadline_s):
                view = await _timed(timings, "page", _open_view(context, job.ready, made.page))
                if job.early is not None:
                    view.provide = early = _Early(job, view, (started, agent, version), timings)
                frozen, error = await _visit(view, job, timings)
        except TimeoutError:
            stage = view.stage if view else "opening a context"
            frozen = _Frozen()
            error = f"the capture did not finish within its deadline of {job.deadline_s:g} s"
            error += f" (while {stage})"
        except PlaywrightError as exc:
            frozen, error = _Frozen(), f"the browser failed: {exc.message.splitlines()[0]}"
        finally:
            self.close_later(context, self.slots.release)
            if self.browser is not None and self.browser.is_connected():
                self._prepare_spare((job.viewport_width, job.proxy))
        timings["total"] = time.monotonic() - clock
        snap = _snapshot_of(view, job, frozen, error, (started, agent, version), timings)
        return early.final(snap) if early else snap


class _Early:
    """Gives the snapshot of a freeze still being proven unchanged (``snapshot_with``), once;
    the capture's result is that very snapshot when the proof holds and nothing else moved."""

    def __init__(
        self,
        job: _Job,
        view: _View,
        browser: tuple[datetime, str, str],
        timings: dict[str, float],
    ) -> None:
        self.job, self.view, self.browser, self.timings = job, view, browser, timings
        self.given: PageSnapshot | None = None

    async def __call__(self, frozen: _Frozen) -> None:
        if self.given is not None or self.job.early is None or self.job.early.done():
            return
        last = self.view.last()
        try:
            headers = await _pairs(last) if last is not None else ()
        except PlaywrightError:
            return
        frozen = replace(frozen, headers=headers)
        timings = dict(self.timings)
        self.given = _snapshot_of(self.view, self.job, frozen, "", self.browser, timings)
        self.job.early.set_result(self.given)

    def final(self, snap: PageSnapshot) -> PageSnapshot:
        given = self.given
        if given is not None and same_page(snap, given):
            return replace(given, timings=snap.timings)
        return snap


def same_page(one: PageSnapshot, other: PageSnapshot) -> bool:
    """The same capture of the same page state (timings and the finishing instant aside)."""
    return replace(one, timings={}, finished_at=other.finished_at) == replace(other, timings={})


async def _visit(view: _View, job: _Job, timings: dict[str, float]) -> tuple[_Frozen, str]:
    """Load, follow the steps, settle and freeze; the frozen page and the first failure."""
    clock = time.monotonic()
    error = ""
    try:
        view.stage = "loading the page"
        await view.page.goto(job.url, wait_until="load")
        timings["goto"] = time.monotonic() - clock
        error = await _follow(view, job.steps)
    except PlaywrightError as exc:
        error = f"navigation failed: {exc.message.splitlines()[0]}"
        await _stop_loading(view)
    timings["steps"] = time.monotonic() - clock
    probes = [step.selector for step in job.steps if step.action == "probe"]
    frozen = await _settle_and_freeze(view, probes, timings, settle=not error)
    last = view.last()
    if last is not None:
        with contextlib.suppress(PlaywrightError):
            frozen = replace(frozen, headers=await _pairs(last))
    return frozen, error


def _snapshot_of(
    view: "_View | None",
    job: _Job,
    frozen: _Frozen,
    error: str,
    browser: tuple[datetime, str, str],
    timings: dict[str, float],
) -> PageSnapshot:
    started, agent, version = browser
    last = view.last() if view else None
    refused = _refused_by_guard(last) if job.proxy else ""
    return PageSnapshot(
        requested_url=job.url,
        final_url=frozen.href or (view.page.url if view else job.url),
        status=last.status if last and not refused else None,
        headers=frozen.headers,
        html=frozen.html,
        visible_text=frozen.text,
        mhtml=frozen.mhtml,
        screenshot=frozen.png,
        dialogs=tuple(view.dialogs) if view else (),
        started_at=started,
        finished_at=datetime.now(UTC),
        browser_version=version,
        user_agent=agent,
        viewport_width=job.viewport_width,
        error=refused or error or frozen.error,
        timings=timings,
        probes=frozen.probes,
        unsettled=frozen.unsettled,
        coherent=frozen.coherent,
        freezes=frozen.freezes,
        answered=frozen.answered,
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


async def _pairs(response: Response) -> tuple[tuple[str, str], ...]:
    return tuple((h["name"].lower(), h["value"]) for h in await response.headers_array())


# --- The process's engine, from any thread --------------------------------------------------

_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _running() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None or _engine.pid != os.getpid():
            _engine = _Engine(max(1, settings.BROWSER_CAPTURES))
        return _engine


def _guarded(allow_local: bool | None) -> bool:
    return not (settings.ALLOW_LOCAL_URLS if allow_local is None else allow_local)


def snapshot(
    url: str,
    steps: Sequence[Step] = (),
    *,
    timeout_s: float = 30.0,
    viewport_width: int = 1366,
    allow_local: bool | None = None,
    deadline_s: float | None = None,
    ready: Ready | None = None,
) -> PageSnapshot:
    """Visit ``url``, follow ``steps``, and freeze what the page shows (from any thread)."""
    job = _job_for(url, steps, timeout_s, viewport_width, allow_local, deadline_s, ready)
    return _explained(_running().call(_running().capture(job)), job)


def snapshot_with(
    work: Callable[[PageSnapshot, bool], T],
    url: str,
    steps: Sequence[Step] = (),
    *,
    timeout_s: float = 30.0,
    viewport_width: int = 1366,
    allow_local: bool | None = None,
    deadline_s: float | None = None,
    ready: Ready | None = None,
) -> tuple[PageSnapshot, T]:
    """:func:`snapshot`, and ``work(snapshot, early)`` done in the calling thread, early when
    it can be.

    A page that declared no readiness is given a quiet time after its last request before its
    freeze is proven to hold: ``work(snapshot, True)`` starts on the frozen page during that
    time. Its result is only ever returned with the very snapshot it was given: when the page
    changed (or anything else did) before the proof held, ``work(final, False)`` is done on the
    final snapshot. Early work must therefore keep nothing outside its result (no file, no
    row). Without a wait, ``work(snapshot, False)`` follows the capture."""
    job = _job_for(url, steps, timeout_s, viewport_width, allow_local, deadline_s, ready)
    job = replace(job, early=Future())
    assert job.early is not None
    engine = _running()
    final = asyncio.run_coroutine_threadsafe(engine.capture(job), engine.loop)
    wait([job.early, final], return_when=FIRST_COMPLETED)
    if job.early.done():
        given = _explained(job.early.result(), job)
        done = work(given, True)
        snap = _explained(final.result(), job)
        if same_page(snap, given):
            return snap, done
        return snap, work(snap, False)
    snap = _explained(final.result(), job)
    return snap, work(snap, False)


def _job_for(
    url: str,
    steps: Sequence[Step],
    timeout_s: float,
    viewport_width: int,
    allow_local: bool | None,
    deadline_s: float | None,
    ready: Ready | None,
) -> _Job:
    guarded = _guarded(allow_local)
    return _Job(
        url=url,
        steps=tuple(steps),
        timeout_s=timeout_s,
        viewport_width=viewport_width,
        proxy=egress.guard().url if guarded else None,
        deadline_s=float(deadline_s or settings.CAPTURE_DEADLINE_S),
        ready=ready or Ready(),
    )


def _explained(snap: PageSnapshot, job: _Job) -> PageSnapshot:
    """A failed navigation through the egress guard says what the guard refused."""
    if job.proxy and snap.error.startswith("navigation failed"):
        return replace(snap, error=snap.error + _guard_reason(job.url, snap.error))
    return snap


def quiesce() -> None:
    """Wait until this process's browser has finished its work between captures (closing
    contexts, making the next one): for benchmarks that compare against another browser."""
    if _engine is not None and _engine.pid == os.getpid():
        _engine.call(_engine.background())


def close() -> None:
    """Close this process's browser (end of a worker, of a command, of a test session)."""
    global _engine
    with _engine_lock:
        engine, _engine = _engine, None
    if engine is None or engine.pid != os.getpid():
        return
    engine.call(engine.shutdown())
    engine.loop.call_soon_threadsafe(engine.loop.stop)
    engine.thread.join(timeout=CLOSE_S)


# --- Live sessions (assisted attempts) ------------------------------------------------------
#
# An assisted attempt keeps one page open while a person reads a challenge on their phone and
# answers it: its context lives in the process's browser beside the captures (outside their
# cap) until ``close_session``. Software never answers a challenge: ``session_continue`` only
# types what a person gave.


def open_session(
    url: str,
    steps: Sequence[Step] = (),
    *,
    timeout_s: float = 30.0,
    viewport_width: int = 1366,
    allow_local: bool | None = None,
) -> tuple[str, str]:
    """Open ``url`` in a new context, follow ``steps``; return (session id, error or "")."""
    guarded = _guarded(allow_local)
    proxy = egress.guard().url if guarded else None
    engine = _running()
    session_id, error = engine.call(
        _open_session(engine, url, steps, timeout_s, viewport_width, proxy)
    )
    if error and guarded:
        error += _guard_reason(url, error)
    return session_id, error


async def _bounded(work: Coroutine[Any, Any, str], what: str) -> str:
    try:
        async with asyncio.timeout(settings.CAPTURE_DEADLINE_S):
            return await work
    except TimeoutError:
        return f"{what} did not finish within its deadline of {settings.CAPTURE_DEADLINE_S} s"


async def _open_session(
    engine: _Engine,
    url: str,
    steps: Sequence[Step],
    timeout_s: float,
    viewport_width: int,
    proxy: str | None,
) -> tuple[str, str]:
    context, agent, _ = await engine.new_context(viewport_width, timeout_s, proxy)
    view = await _open_view(context, Ready())
    session = _Session(
        view, context, agent, url, viewport_width, datetime.now(UTC), guarded=bool(proxy)
    )
    session_id = uuid.uuid4().hex
    engine.sessions[session_id] = session
    error = await _bounded(_session_steps(view, [Step("goto", value=url), *steps]), "the visit")
    last = view.last()
    return session_id, (_refused_by_guard(last) if proxy else "") or error


async def _session_steps(view: _View, steps: Sequence[Step]) -> str:
    error = await _follow(view, steps, stop_on_error_page=False)
    if not error:
        await _wait_idle(view, time.monotonic() + SETTLE_MAX_S)
    return error


def session_screenshot(session_id: str, selectors: Sequence[str]) -> bytes:
    """A PNG of the challenge image itself (b"" when there is none).

    ``selectors`` name the challenge, most precise first (the image, then the widget holding it).
    The first visible match that is a picture (``img``, ``canvas``, ``svg``, an element painted
    with a background image) is taken as it is, however the site wraps it. A match that is a
    container gives its largest visible picture that is not inside a control (a link, a button:
    a site's « new code » or « listen » icons), so that the person never sees the site's own
    controls in the crop as if they could press them. A container without such a picture gives
    nothing: the page is then sealed as it stands rather than relaying what may not be the code.
    """
    engine = _running()
    return engine.call(_challenge_png(engine.sessions[session_id].view.page, tuple(selectors)))


# Marks the picture a person must read: see :func:`session_screenshot`.
_CHALLENGE_PICTURE = """(selectors) => {
  const CONTROL = 'a[href], button, input:not([type=hidden]), select, textarea, '
    + '[role=button], [role=link], [onclick]';
  // Widgets often draw inside a shadow root (custom elements): search through open ones.
  const within = (root, selector) => {
    const found = [...root.querySelectorAll(selector)];
    for (const host of root.querySelectorAll('*')) {
      if (host.shadowRoot) found.push(...within(host.shadowRoot, selector));
    }
    return found;
  };
  const parent = (e) => e.parentElement || (e.getRootNode().host ?? null);
  const inControl = (e) => {
    for (let node = e; node; node = parent(node)) if (node.matches(CONTROL)) return true;
    return false;
  };
  const shown = (e) => {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    return box.width >= 8 && box.height >= 8 && style.visibility !== 'hidden'
      && Number(style.opacity) > 0;
  };
  const pictured = (e) => ['IMG', 'CANVAS', 'PICTURE', 'OBJECT'].includes(e.tagName)
    || e.tagName.toLowerCase() === 'svg' || getComputedStyle(e).backgroundImage.includes('url(');
  const readable = (e) => pictured(e) && shown(e) && !inControl(e);
  const area = (e) => { const box = e.getBoundingClientRect(); return box.width * box.height; };
  for (const selector of selectors) {
    for (const found of within(document, selector)) {
      // Named as the picture itself: taken as it is, whatever wraps it.
      if (pictured(found) && shown(found)) return found;
      const own = found.shadowRoot ? within(found.shadowRoot, '*') : [];
      const inside = [...within(found, '*'), ...own].filter(readable);
      if (inside.length) return inside.reduce((a, b) => (area(b) > area(a) ? b : a));
    }
  }
  return null;
}"""


async def _challenge_png(page: Page, selectors: tuple[str, ...]) -> bytes:
    try:
        handle = await page.evaluate_handle(_CHALLENGE_PICTURE, list(selectors))
        picture = handle.as_element()
        if picture is None:
            return b""
        return await picture.screenshot(type="png", animations="disabled")
    except PlaywrightError:
        return b""


def session_continue(session_id: str, steps: Sequence[Step]) -> PageSnapshot:
    """Follow ``steps`` (typing a person's answer) and freeze the page as :func:`snapshot` does."""
    engine = _running()
    return engine.call(_session_continue(engine.sessions[session_id], steps))


async def _session_continue(session: _Session, steps: Sequence[Step]) -> PageSnapshot:
    clock = time.monotonic()
    error = await _bounded(_follow(session.view, steps, stop_on_error_page=False), "the steps")
    return await _session_freeze(session, error, {"steps": time.monotonic() - clock})


def session_snapshot(session_id: str) -> PageSnapshot:
    """Freeze the page as it stands."""
    engine = _running()
    return engine.call(_session_freeze(engine.sessions[session_id], "", {}))


async def _session_freeze(session: _Session, error: str, timings: dict[str, float]) -> PageSnapshot:
    try:
        async with asyncio.timeout(settings.CAPTURE_DEADLINE_S):
            frozen = await _settle_and_freeze(session.view, (), timings, settle=not error)
            last = session.view.last()
            if last is not None:
                frozen = replace(frozen, headers=await _pairs(last))
    except PlaywrightError as exc:
        frozen = _Frozen(error=f"the page could not be saved: {exc.message.splitlines()[0]}")
    except TimeoutError:
        frozen = _Frozen(error="the page could not be saved within its deadline")
    job = _Job(
        url=session.requested_url,
        steps=(),
        timeout_s=0,
        viewport_width=session.viewport_width,
        proxy="guarded" if session.guarded else None,
        deadline_s=0,
        ready=Ready(),
    )
    browser = session.context.browser
    version = browser.version if browser else ""
    started = (session.started, session.agent, version)
    return _snapshot_of(session.view, job, frozen, error, started, timings)


def close_session(session_id: str) -> None:
    engine = _running()
    session = engine.sessions.pop(session_id, None)
    if session is not None:
        engine.call(_close_quietly(session.context))


async def _close_quietly(context: BrowserContext) -> None:
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(context.close(), CLOSE_S)
