"""Cost of the egress guard: a snapshot of a local simulator page through the guard vs without.

    uv run python bench/egress.py [--runs 15]

Both kinds of snapshot run in one process, interleaved so that machine load hits both alike;
prints the median (and fastest) time of each and the ratio guarded ÷ direct. The simulator is on
127.0.0.1, which the real guard refuses, so the guard here takes 127.0.0.1 as public through its
``routes`` test seam: every request still goes through it (parse, route, connect, pipe, close).
"""

import argparse
import ipaddress
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")

import django

django.setup()

from creneau.lib import browsing, egress  # noqa: E402
from creneau.simulators.server import start  # noqa: E402


def timed(url: str, *, allow_local: bool) -> float:
    clock = time.perf_counter()
    snap = browsing.snapshot(url, allow_local=allow_local)
    elapsed = time.perf_counter() - clock
    if snap.error:
        raise SystemExit(
            f"snapshot failed ({'direct' if allow_local else 'guarded'}): {snap.error}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    loopback = ipaddress.ip_address("127.0.0.1")
    guard = egress.EgressGuard(ports=None, routes={"127.0.0.1": loopback}).start()
    egress._guard = guard
    direct: list[float] = []
    guarded: list[float] = []
    try:
        with start() as simulator:
            url = simulator.url("legacy")
            timed(url, allow_local=True)  # warm up: browser start, first context
            timed(url, allow_local=False)
            for _ in range(runs):
                direct.append(timed(url, allow_local=True))
                guarded.append(timed(url, allow_local=False))
    finally:
        browsing.close_all()
        guard.stop()
    median_direct, median_guarded = statistics.median(direct), statistics.median(guarded)
    print(f"page: {url} ({runs} runs each, interleaved)")
    print(f"direct : median {median_direct * 1000:7.1f} ms, fastest {min(direct) * 1000:7.1f} ms")
    print(f"guarded: median {median_guarded * 1000:7.1f} ms, fastest {min(guarded) * 1000:7.1f} ms")
    print(f"ratio guarded/direct (median): {median_guarded / median_direct:.3f}")


if __name__ == "__main__":
    main()
