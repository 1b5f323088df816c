"""Cost of sealing a capture, against a bare snapshot of the same local page, in one process.

    uv run python bench/capture.py [--runs 7] [--concurrent 4]

Prints, for a short page and a 10,000 px tall page, the median time of a bare snapshot through
the browser seam (full-page PNG + HTML + MHTML) and of a full sealed capture (snapshot, classify,
stamp, store, manifest, RFC 3161 token from a local TSA, database rows), interleaved so that
machine load hits both alike, and their ratio (goal ≤ 1.25); the fastest runs are printed too,
as the least disturbed by other work on a shared machine. Then the memory of the Chromium
processes (PSS and RSS summed from /proc) with 1 and N captures in flight at once. The seam
keeps one browser per thread, so N concurrent captures are N browsers with one context each.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = tempfile.mkdtemp(prefix="creneau-bench-")
os.environ["CRENEAU_DATA_DIR"] = DATA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from creneau.lib import browsing  # noqa: E402
from creneau.lib.localtsa import LocalTSA  # noqa: E402
from creneau.scheduling.attempts import capture  # noqa: E402

PAGES = {
    "/": "<h1>Prise de rendez-vous</h1><p>Aucun créneau disponible pour le moment.</p>"
    + "<p>Texte de la page, assez long pour remplir l'écran.</p>" * 40,
    "/tall": "<div style='height:10000px;background:linear-gradient(#cde,#edc)'>Long</div>",
    "/slow": "<p>Chargement…</p><img src='/pause'>",
}
PAUSE_S = 3.0


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


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def compare(url: str, runs: int) -> tuple[list[float], list[float]]:
    browsing.snapshot(url)  # warm the browser
    capture(url)
    bare, sealed = [], []
    for _ in range(runs):
        bare.append(timed(lambda: browsing.snapshot(url)))
        sealed.append(timed(lambda: capture(url)))
    return bare, sealed


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
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--concurrent", type=int, default=4)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    tsa = LocalTSA(Path(DATA) / "tsa").start()
    settings.TSA_URLS, settings.TSA_CA_FILE = [tsa.url], str(tsa.ca_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    print(f"time of {options.runs} interleaved runs (same process, same page), goal <= 1.25")
    for path, label in (("/", "short page"), ("/tall", "10,000 px page")):
        bare, sealed = compare(base + path, options.runs)
        for name, pick in (("median", statistics.median), ("fastest", min)):
            print(
                f"  {label:15} {name:8} bare snapshot {pick(bare):6.3f} s   "
                f"sealed capture {pick(sealed):6.3f} s   ratio {pick(sealed) / pick(bare):.2f}"
            )
    browsing.close_all()

    print("memory of Chromium processes (PSS / RSS), peak while captures are in flight")
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
    tsa.stop()
    server.shutdown()


if __name__ == "__main__":
    main()
