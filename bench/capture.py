"""Cost of a sealed capture against the bare Playwright floor, its throughput and its memory.

    uv run python bench/capture.py [--runs 9] [--concurrent 4] [--minute 60]

1. Time, interleaved in one process on the same loopback no-slot page (and a 10,000 px page):
   - the floor: bare Playwright, browser already running (new context, goto, full-page PNG,
     close), on its own thread with its own browser;
   - a bare snapshot through the browser seam (HTML, text, MHTML, PNG, dialogs, headers);
   - a sealed capture (snapshot, judge, stamp, store, manifest, RFC 3161 token from a local
     TSA, database rows): ``scheduling.attempts.capture``, as ``creneau capture URL`` makes it
     of a page of no known system (no readiness: the quiet-network fallback);
   - the same sealed capture through the generic driver configured with the page's no-slot
     sentence, as a watched page of an unknown system is once its texts are set (the driver's
     readiness: the sentence shown and nothing in flight).
   Printed: medians, sealed ÷ floor (goal ≤ 1.25) and sealed ÷ snapshot, and the per-step
   timings of the median sealed run. Steps may overlap: in the browser, HTML, MHTML, PNG and
   probes are taken at once after the mutation count is marked; for a page without readiness,
   judge, stamp, hash and TSA run while ``check`` still proves the freeze (nothing is stored
   before the proof), so only ``store`` and ``database`` follow it.
2. Throughput: sealed captures per minute with ``--concurrent`` threads (goal ≥ 120 on 2 cores).
3. Memory: PSS / RSS of the Chromium processes with 1 and N captures in flight at once, and the
   cost of each further concurrent capture (goal ≤ 80 MB PSS).

The machine may be shared: compare ratios measured in the same run, and read the load printed.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = tempfile.mkdtemp(prefix="creneau-bench-")
os.environ["CRENEAU_DATA_DIR"] = DATA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.async_api import Browser, async_playwright  # noqa: E402

from creneau.lib import browser, browsing  # noqa: E402
from creneau.lib.browser import LAUNCH_ARGS, chromium_path  # noqa: E402
from creneau.lib.localtsa import LocalTSA  # noqa: E402
from creneau.scheduling.attempts import capture  # noqa: E402
from creneau.watch import drivers  # noqa: E402

PAGES = {
    "/": "<h1>Prise de rendez-vous</h1><p>Aucun créneau disponible pour le moment.</p>"
    + "<p>Texte de la page, assez long pour remplir l'écran.</p>" * 40,
    "/tall": "<div style='height:10000px;background:linear-gradient(#cde,#edc)'>Long</div>",
    "/slow": "<p>Chargement…</p><img src='/pause'>",
}
PAUSE_S = 3.0
# The short page as an admin configures it for the generic driver.
CONFIGURED = {"no_slot_texts": ["Aucun créneau disponible pour le moment."]}
T = TypeVar("T")
STEPS = (
    *("context", "page", "goto", "settle", "mark", "html", "mhtml", "png", "check"),
    *("judge", "stamp", "hash", "store", "tsa", "database"),
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/pause":  # keeps the page loading: captures stay in flight meanwhile
            time.sleep(PAUSE_S)
            self.send_response(204)
            self.end_headers()
            return
        body = f"<!doctype html><meta charset='utf-8'>{PAGES.get(self.path, '')}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Floor:
    """Bare Playwright, browser already running: new context, goto, full-page PNG, close.

    Its own browser, driven from its own asyncio loop on its own thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="floor", daemon=True).start()
        self.browser: Browser = self._run(self._launch())

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    async def _launch(self) -> Browser:
        self.playwright = await async_playwright().start()
        return await self.playwright.chromium.launch(
            executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True
        )

    async def _capture(self, url: str) -> dict[str, float]:
        timings, clock = {}, time.perf_counter()
        context = await self.browser.new_context(viewport={"width": 1366, "height": 768})
        page = await context.new_page()
        timings["context+page"], clock = time.perf_counter() - clock, time.perf_counter()
        await page.goto(url)
        timings["goto"], clock = time.perf_counter() - clock, time.perf_counter()
        await page.screenshot(full_page=True, type="png")
        timings["png"], clock = time.perf_counter() - clock, time.perf_counter()
        await context.close()
        timings["close"] = time.perf_counter() - clock
        return timings

    def capture(self, url: str) -> dict[str, float]:
        return self._run(self._capture(url))

    def per_minute(self, url: str, concurrent: int, seconds: float) -> tuple[int, float]:
        """Bare captures completed by ``concurrent`` loops at once within ``seconds``."""

        async def loops() -> int:
            stop = time.monotonic() + seconds

            async def one() -> int:
                count = 0
                while time.monotonic() < stop:
                    await self._capture(url)
                    count += 1
                return count

            return sum(await asyncio.gather(*(one() for _ in range(concurrent))))

        start = time.monotonic()
        count = self._run(loops())
        return count, time.monotonic() - start

    def close(self) -> None:
        async def stop() -> None:
            await self.browser.close()
            await self.playwright.stop()

        self._run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def configured(url: str) -> Any:
    """A sealed capture of ``url`` through the generic driver configured with ``CONFIGURED``."""
    driver = drivers.driver_for("generic")
    return capture(
        url,
        judge=lambda snap: driver.judge(snap, CONFIGURED),
        ready=driver.ready(CONFIGURED),
    )


def compare(floor: Floor, url: str, runs: int, driver: bool) -> dict[str, list[Any]]:
    floor.capture(url)  # warm both browsers and every code path
    browsing.snapshot(url)
    capture(url)
    found: dict[str, list[Any]] = {"floor": [], "snapshot": [], "sealed": [], "timings": []}
    found |= {"floor_timings": [], "configured": [], "configured_timings": []}
    for _ in range(runs):
        browser.quiesce()  # our closing and next context never overlap the floor's run
        took, steps = timed(lambda: floor.capture(url))
        found["floor"].append(took)
        found["floor_timings"].append(steps)
        found["snapshot"].append(timed(lambda: browsing.snapshot(url))[0])
        browser.quiesce()
        took, result = timed(lambda: capture(url))
        found["sealed"].append(took)
        found["timings"].append(getattr(result, "timings", {}))
        if driver:
            browser.quiesce()
            took, result = timed(lambda: configured(url))
            found["configured"].append(took)
            found["configured_timings"].append(getattr(result, "timings", {}))
    return found


def report_times(label: str, found: dict[str, list[Any]]) -> None:
    for name, pick in (("median", statistics.median), ("fastest", min)):
        floor, snap, sealed = (pick(found[k]) for k in ("floor", "snapshot", "sealed"))
        print(
            f"  {label:15} {name:8} floor {floor:6.3f} s  snapshot {snap:6.3f} s  "
            f"sealed {sealed:6.3f} s   sealed/floor {sealed / floor:.2f}  "
            f"sealed/snapshot {sealed / snap:.2f}"
        )
    ranked = sorted(zip(found["floor"], found["floor_timings"], strict=True), key=lambda r: r[0])
    shown = "  ".join(f"{k} {v * 1000:.0f}" for k, v in ranked[len(ranked) // 2][1].items())
    print(f"  {'':15} median floor run, ms: {shown}")
    steps_of_median("sealed", found["sealed"], found["timings"])
    if found["configured"]:
        print(
            f"  {'':15} (sealed: no readiness declared, so the network must stay quiet "
            f"{browser.QUIET_S:.1f} s after the page's last need, by design; the generic "
            "driver below declares it)"
        )
        for name, pick in (("median", statistics.median), ("fastest", min)):
            floor, sealed = pick(found["floor"]), pick(found["configured"])
            print(
                f"  {'generic driver':15} {name:8} sealed {sealed:6.3f} s   "
                f"sealed/floor {sealed / floor:.2f}"
            )
        steps_of_median("generic driver", found["configured"], found["configured_timings"])


def steps_of_median(label: str, took: list[float], steps: list[dict[str, float]]) -> None:
    ranked = sorted(zip(took, steps, strict=True), key=lambda r: r[0])
    timings = ranked[len(ranked) // 2][1]
    shown = "  ".join(f"{k} {timings[k] * 1000:.0f}" for k in STEPS if k in timings)
    others = "  ".join(f"{k} {v * 1000:.0f}" for k, v in sorted(timings.items()) if k not in STEPS)
    print(f"  {'':15} median {label} run, ms: {shown}")
    if others:
        print(f"  {'':15} (also: {others})")


def throughput(url: str, threads: int, seconds: float) -> tuple[int, float]:
    """Sealed captures completed by ``threads`` threads within ``seconds``."""
    stop = time.monotonic() + seconds
    done: list[int] = []

    def loop() -> None:
        count = 0
        while time.monotonic() < stop:
            capture(url)
            count += 1
        done.append(count)

    start = time.monotonic()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done), time.monotonic() - start


def chromium_pids() -> list[int]:
    """Chromium processes descending from this process."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            names[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    mine = []
    for pid in parents:
        ancestor = parents.get(pid, 0)
        while ancestor and ancestor != os.getpid():
            ancestor = parents.get(ancestor, 0)
        if ancestor and "chrom" in names[pid]:
            mine.append(pid)
    return mine


def memory_mb() -> tuple[float, float]:
    """(PSS, RSS) of our Chromium processes, in MB."""
    pss = rss = 0
    for pid in chromium_pids():
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, rss / 1024


def peak_in_flight(url: str, concurrent: int) -> tuple[float, float]:
    """Highest memory seen while ``concurrent`` snapshots of a slow page are in flight."""
    threads = [threading.Thread(target=browsing.snapshot, args=(url,)) for _ in range(concurrent)]
    for thread in threads:
        thread.start()
    peak = (0.0, 0.0)
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, memory_mb())
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--minute", type=float, default=60.0, help="throughput run, seconds")
    parser.add_argument(
        "--cold", action="store_true", help="no context made ahead of time (every capture pays it)"
    )
    options = parser.parse_args()
    if options.cold:
        browser._Engine._prepare_spare = lambda self, key: None  # type: ignore[method-assign]
    call_command("migrate", verbosity=0)
    tsa = LocalTSA(Path(DATA) / "tsa").start()
    settings.TSA_URLS, settings.TSA_CA_FILE = [tsa.url], str(tsa.ca_file)
    settings.ALLOW_LOCAL_URLS = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    floor = Floor()
    print(f"1. time of {options.runs} interleaved runs (same process, same page); goal <= 1.25")
    for path, label in (("/", "short page"), ("/tall", "10,000 px page")):
        report_times(label, compare(floor, base + path, options.runs, driver=path == "/"))

    print("2. captures per minute of the short page; goal >= 120 sealed on 2 cores")
    for threads in sorted({1, options.concurrent}):
        count, took = floor.per_minute(base + "/", threads, options.minute)
        bare = count * 60 / took
        count, took = throughput(base + "/", threads, options.minute)
        rate = count * 60 / took
        print(
            f"  {threads} at once: floor {bare:4.0f} per minute, sealed {rate:4.0f} per minute"
            f" (sealed/floor {rate / bare:.2f})"
        )
    floor.close()
    browsing.close_all()

    print("3. memory of Chromium processes (PSS / RSS), peak while captures are in flight")
    peaks = {}
    for count in (1, options.concurrent):
        peaks[count] = peak_in_flight(base + "/slow", count)
        browsing.close_all()
        pss, rss = peaks[count]
        print(f"  {count} in flight: PSS {pss:6.0f} MB  RSS {rss:6.0f} MB")
    extra = options.concurrent - 1
    if extra:
        pss = (peaks[options.concurrent][0] - peaks[1][0]) / extra
        rss = (peaks[options.concurrent][1] - peaks[1][1]) / extra
        print(f"  each further concurrent capture: PSS {pss:5.0f} MB  RSS {rss:5.0f} MB")
        print("  (goal: PSS <= 80 MB)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    tsa.stop()
    server.shutdown()


if __name__ == "__main__":
    main()
