"""How the web app holds up with 10,000 cases: latency per page under a bounded concurrent load.

A throwaway SQLite database gets 10,000 cases (bulk-created, a few attempts each); the app is
started with ``creneau run --web-only`` on a free 127.0.0.1 port; a volunteer logs in; threads
with ``http.client`` hit each page a bounded number of times, within a bounded time. Printed:
p50 / p95 / max latency and requests per second per page, and the ratio of each page's p95 to
the login page's (a near-static page measured in the same run, so the ratio means something
on any machine). Nothing is asserted: this measures.

    uv run python bench/load.py [--cases 10000] [--requests 120] [--concurrency 6]
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_with_fresh_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def generate(count: int, attempts_per_case: int) -> str:
    """Bulk-create the cases; return one case reference to open."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from creneau.accounts.models import Member, Organisation
    from creneau.cases.models import Attempt, Case, Person
    from creneau.catalog.models import BookingPage, Department

    organisation = Organisation.objects.create(name="Cimade Saint-Denis", slug="cimade-93")
    user = User.objects.create_user("alice", password=PASSWORD)
    Member.objects.create(user=user, organisation=organisation, role="volunteer")
    department = Department.objects.get(code="93")
    page = BookingPage.objects.create(
        url="https://www.seine-saint-denis.gouv.fr/booking/create/9845", system="legacy"
    )
    people = Person.objects.bulk_create(
        (
            Person(organisation=organisation, family_name=f"Nom{n}", given_names="Prénom")
            for n in range(count)
        ),
        batch_size=1000,
    )
    cases = Case.objects.bulk_create(
        (
            Case(
                organisation=organisation,
                person=person,
                procedure_kind="renewal",
                department=department,
                booking_page=page,
            )
            for person in people
        ),
        batch_size=1000,
    )
    now = timezone.now()
    Attempt.objects.bulk_create(
        (
            Attempt(
                case=case,
                channel="online",
                at=now - timedelta(days=7 * n + 1),
                outcome="no_slot",
                source=Attempt.Source.MANUAL,
            )
            for case in cases
            for n in range(attempts_per_case)
        ),
        batch_size=2000,
    )
    Case.objects.recompute_last_attempts()  # bulk_create skips Attempt.save
    return Case.objects.order_by("pk").values_list("reference", flat=True)[count // 2]


def start_app(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CRENEAU_DATA_DIR": data_dir}
    env.pop("CRENEAU_DATABASE_URL", None)
    command = [sys.executable, "-m", "creneau", "run", "--web-only", "--host", HOST]
    app = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return app
        except OSError:
            if app.poll() is not None:
                raise SystemExit("the app did not start") from None
            time.sleep(0.2)
    app.terminate()
    raise SystemExit("the app did not listen within 120 s")


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, list[str]]:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()


def cookie_value(headers: list[str], name: str) -> str:
    for header in headers:
        found = re.match(rf"{name}=([^;]+)", header)
        if found:
            return found.group(1)
    raise SystemExit(f"no {name} cookie in {headers}")


def log_in(port: int) -> str:
    """The Cookie header of a logged-in session (a real form post, CSRF token included)."""
    status, body, headers = get(port, "/connexion/")
    csrf = cookie_value(headers, "csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert status == 200 and token, "no login form"
    form = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request(
        "POST",
        "/connexion/",
        body=urlencode(form),
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    response.read()
    session = cookie_value(response.headers.get_all("Set-Cookie") or [], "sessionid")
    connection.close()
    return f"csrftoken={csrf}; sessionid={session}"


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0


def hammer(
    port: int, path: str, cookie: str, requests: int, threads: int, budget_s: float
) -> Result:
    """``requests`` GETs from ``threads`` threads (one keep-alive connection each), or fewer if
    the time budget runs out."""
    result, lock = Result(), threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + budget_s

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=120)
                ok = False
            elapsed = time.perf_counter() - began
            with lock:
                if ok:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        connection.close()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.wall = time.perf_counter() - began
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=3, help="attempts per case")
    parser.add_argument("--requests", type=int, default=120, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--budget", type=float, default=60, help="seconds per page at most")
    args = parser.parse_args()

    began = time.perf_counter()
    data_dir = django_with_fresh_database()
    reference = generate(args.cases, args.attempts)
    print(
        f"{args.cases} cases, {args.cases * args.attempts} attempts in "
        f"{time.perf_counter() - began:.1f} s ({data_dir})"
    )
    port = free_port()
    app = start_app(data_dir, port)
    try:
        cookie = log_in(port)
        status, _, _ = get(port, "/tableau-de-bord/", cookie)
        assert status == 200, f"dashboard answered {status}: not logged in?"
        pages = [
            ("login page (baseline)", "/connexion/", "", args.requests),
            ("dashboard", "/tableau-de-bord/", cookie, args.requests),
            ("case list, page 1", "/dossiers/", cookie, args.requests),
            ("case list, page 100", "/dossiers/?page=100", cookie, args.requests),
            ("case list, search", "/dossiers/?q=NOPE", cookie, args.requests),
            ("case page", f"/dossiers/{reference}/", cookie, args.requests),
            ("CSV export (all cases)", "/dossiers/export.csv", cookie, max(4, args.requests // 20)),
        ]
        rows = []
        for name, path, page_cookie, count in pages:
            get(port, path, page_cookie)  # warm up (templates, caches)
            rows.append(
                (name, hammer(port, path, page_cookie, count, args.concurrency, args.budget))
            )
    finally:
        app.terminate()
        app.wait(timeout=30)

    baseline = percentile(rows[0][1].latencies, 0.95)
    print(
        f"\n{'page':<26}{'n':>5}{'err':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'req/s':>8}{'p95/login':>11}"
    )
    for name, result in rows:
        if not result.latencies:
            print(f"{name:<26}{0:>5}{result.errors:>5}  (no successful request)")
            continue
        p50 = statistics.median(result.latencies) * 1000
        p95 = percentile(result.latencies, 0.95)
        print(
            f"{name:<26}{len(result.latencies):>5}{result.errors:>5}{p50:>9.1f}{p95 * 1000:>9.1f}"
            f"{max(result.latencies) * 1000:>9.1f}{len(result.latencies) / result.wall:>8.1f}"
            f"{p95 / baseline:>11.1f}"
        )
    print(f"\nconcurrency {args.concurrency}, waitress 8 threads, SQLite, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
