"""The evidence store: local folder vs S3-compatible bucket on loopback.

    uv run python bench/store.py [--captures 90] [--runs 3]

Seals ``--captures`` captures (the real pipeline: stamped screenshot, manifest, RFC 3161 token
from a local TSA, journal) into the local store, then as many into a bucket of the local S3
server (scripts/s3server.py, a separate process on 127.0.0.1), and prints sealed captures per
minute for each. Then builds the court bundle of each case (``--runs`` times, median) and
prints the ratio S3 / local (goal: within 1.3×); then the bundle as the web page stores it
(the folder zipped through a spooled temporary file and streamed into the store: a multipart
upload on S3). Both measured in the same run, same machine; the load average is printed at the
start and the end.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.conf import settings
from django.core.management import call_command

from bench.bundle import DATA, make_case  # first: it sets Django up
from creneau.cases.downloads import zip_file
from creneau.cases.models import Case
from creneau.catalog.loader import load_catalog
from creneau.court.bundle import build_bundle, case_blobs
from creneau.lib import storage
from creneau.lib.localtsa import LocalTSA
from tests.s3server import S3Server, configure


def sealed(captures: int) -> tuple[Case, float]:
    """A case with ``captures`` sealed captures; the captures per minute it took."""
    clock = time.perf_counter()
    case, _ = make_case(captures)
    elapsed = time.perf_counter() - clock
    return case, captures / elapsed * 60


def bundle_time(case: Case, label: str, runs: int) -> tuple[float, float]:
    """Median seconds to build the bundle folder, and to zip it into the store."""
    build_bundle(case, Path(DATA) / f"warm-{label}", date="2026-09-01")
    times, stored = [], []
    for run in range(runs):
        folder = Path(DATA) / f"{label}-{run}"
        clock = time.perf_counter()
        build_bundle(case, folder, date="2026-09-01")
        built = time.perf_counter()
        with zip_file(folder) as zipped:
            storage.put_file(zipped)
        times.append(built - clock)
        stored.append(time.perf_counter() - built)
    return statistics.median(times), statistics.median(stored)


def load() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--captures", type=int, default=90)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_catalog()
    tsa = LocalTSA(Path(DATA) / "tsa").start()
    settings.TSA_URLS, settings.TSA_CA_FILE = [tsa.url], str(tsa.ca_file)
    server = S3Server(Path(DATA) / "s3").start()
    print(f"start: {load()}")
    try:
        local_case, local_rate = sealed(args.captures)
        configure(settings, server, server.new_bucket())
        s3_case, s3_rate = sealed(args.captures)
        print(f"sealed captures per minute: local {local_rate:.1f}, S3 {s3_rate:.1f}")
        print(f"ratio S3 / local (throughput): {s3_rate / local_rate:.2f}")
        s3_bundle, s3_stored = bundle_time(s3_case, "s3", args.runs)
        clock = time.perf_counter()
        with storage.prefetched(case_blobs(s3_case)):
            fetched = time.perf_counter() - clock
        settings.EVIDENCE_STORE = "local"
        local_bundle, local_stored = bundle_time(local_case, "local", args.runs)
        print(
            f"bundle of {args.captures} captures: local {local_bundle:.2f} s, "
            f"S3 {s3_bundle:.2f} s (median of {args.runs}), of which reading the "
            f"{len(case_blobs(s3_case))} files from the bucket {fetched:.2f} s"
        )
        print(f"ratio S3 / local (bundle time): {s3_bundle / local_bundle:.2f} (goal ≤ 1.3)")
        print(
            f"zip streamed into the store: local {local_stored:.2f} s, S3 {s3_stored:.2f} s; "
            f"bundle + zip stored, ratio S3 / local: "
            f"{(s3_bundle + s3_stored) / (local_bundle + local_stored):.2f}"
        )
        print(f"end: {load()}")
    finally:
        server.stop()
        tsa.stop()


if __name__ == "__main__":
    main()
