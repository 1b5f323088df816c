"""How the web app holds up with many cases: latency per page under a bounded concurrent load.

A throwaway database (SQLite, or PostgreSQL with ``--postgres``: a cluster of its own started
with ``scripts/postgres`` and stopped at the end) gets ``--cases`` cases (bulk-created, a few
attempts each); the app is started with ``creneau run --web-only`` on a free 127.0.0.1 port; a
volunteer logs in; threads with ``http.client`` hit each page a bounded number of times, within
a bounded time. Printed:

1. per page, in process: the number of queries, their time, the request's wall and CPU time
   (this process's: SQLite's work included, PostgreSQL's server not; the median of 9
   requests), the slowest query's plan;
2. the cost of ``assessment.services.refresh_stale`` on the volunteer's cases when no verdict
   is stale, and when many are (the lists call it before reading stored verdicts);
3. p50 / p95 / max latency and requests per second per page, and the ratio of each page's p95
   to the login page's (a near-static page measured in the same run, so the ratio means
   something on any machine). Goals: p95 <= 100 ms at 10,000 cases on SQLite, <= 150 ms at
   100,000 on PostgreSQL. Nothing is asserted: this measures.

    uv run python bench/load.py [--cases 10000] [--requests 120] [--concurrency 6] [--postgres]
                                [--web-processes N] [--only 'case page']
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
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_with_fresh_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
HOST = "127.0.0.1"
# A cluster of this benchmark's own, never the one tests share.
POSTGRES = {"CRENEAU_PG_DIR": "/tmp/creneau-pg-bench-load", "CRENEAU_PG_PORT": "5449"}
STALE = 2000  # verdicts made stale for the refresh measurement
SPREAD_DAYS = 90
REPEATS = 9  # requests per page in process: the median is printed


def postgres(action: str) -> str:
    """``scripts/postgres start|stop`` for this benchmark's cluster; the DSN on start."""
    env = {**os.environ, **POSTGRES, "CRENEAU_PG_DB": "creneau_load"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), action], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"scripts/postgres {action}: {done.stderr}")
    return done.stdout.strip()


def fresh_postgres() -> str:
    """An empty database on this benchmark's cluster."""
    dsn = postgres("start")
    import psycopg

    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        # FORCE: autovacuum may be working in the last run's database when the cluster starts.
        connection.execute("DROP DATABASE IF EXISTS creneau_load WITH (FORCE)")
        connection.execute("CREATE DATABASE creneau_load OWNER creneau")
    return dsn


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
    # Real cases changed over months, not all in the last minute: spread their last change.
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for day in range(SPREAD_DAYS):
        changed = now - timedelta(days=day, hours=2)
        Case.objects.filter(pk__in=ids[day::SPREAD_DAYS]).update(updated_at=changed)
    assessed(now)
    return Case.objects.order_by("pk").values_list("reference", flat=True)[count // 2]


def assessed(now: datetime) -> None:
    """Stored verdicts for every case, as the periodic sweep leaves them: every generated case
    has the same history, so one is computed and its result stored for all (bulk)."""
    from creneau.assessment.models import CaseAssessment, FreshMark
    from creneau.assessment.services import MARK_MARGIN, assess_case
    from creneau.cases.models import Case

    first = Case.objects.order_by("pk").first()
    assert first is not None
    result = assess_case(first)
    verdict, payload = str(result.verdict), result.as_dict()
    ids = list(Case.objects.values_list("pk", flat=True))
    rows = (
        CaseAssessment(case_id=pk, verdict=verdict, computed_at=now, payload=payload) for pk in ids
    )
    CaseAssessment.objects.bulk_create(rows, batch_size=2000)
    Case.objects.update(verdict=verdict)  # what CaseAssessment.save() keeps in step
    FreshMark.objects.create(fresh_before=now - MARK_MARGIN)


def start_app(data_dir: str, port: int, processes: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CRENEAU_DATA_DIR": data_dir}
    command = [sys.executable, "-m", "creneau", "run", "--web-only", "--host", HOST]
    command += ["--web-processes", str(processes), "--threads", str(threads)]
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


def explain(sql: str, params: object) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def query_report(pages: list[tuple[str, str, str, int]]) -> None:
    """Per page, in this process: queries, their time, the slowest one and its plan."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="alice"))
    print(
        f"\n{'page (in process, median of ' + str(REPEATS) + ')':<34}{'queries':>8}{'SQL ms':>8}"
        f"{'total ms':>9}{'CPU ms':>8}"
    )
    slowest = []
    for name, path, cookie, _ in pages:
        if not cookie:
            continue
        client.get(path)
        runs = []
        for _ in range(REPEATS if "export" not in path else 1):
            with CaptureQueriesContext(connection) as queries:
                began, cpu = time.perf_counter(), time.process_time()
                client.get(path)
                took = (time.perf_counter() - began) * 1000
                cpu = (time.process_time() - cpu) * 1000  # on a shared machine, wall time is not
            timed = [float(q["time"]) * 1000 for q in queries.captured_queries]
            runs.append((sum(timed), took, cpu))
        sql, took, cpu = (statistics.median(run[i] for run in runs) for i in range(3))
        print(f"{name:<34}{len(timed):>8}{sql:>8.1f}{took:>9.1f}{cpu:>8.1f}")
        worst = max(queries.captured_queries, key=lambda q: float(q["time"]))
        slowest.append((name, float(worst["time"]) * 1000, worst["sql"]))
    for name, ms, sql in slowest:
        print(f"\nslowest query of {name} ({ms:.1f} ms): {sql[:200]}…")
        for line in explain(sql, None):
            print(f"    {line}")


def refresh_report(cases_total: int) -> None:
    """What finding and refreshing stale verdicts costs a page (``refresh_for_page``) and the
    periodic sweep, when none is stale and when many are."""
    from django.contrib.auth.models import User

    from creneau.assessment.services import refresh_for_page, refresh_stale, stale
    from creneau.cases.models import Case

    cases = Case.objects.for_user(User.objects.get(username="alice"))

    def ms(work: object) -> tuple[float, object]:
        began = time.perf_counter()
        result = work()  # type: ignore[operator]
        return (time.perf_counter() - began) * 1000, result

    scan, _ = ms(lambda: stale(cases).exists())
    page, _ = ms(lambda: refresh_for_page(cases))
    print(f"\nstale verdicts among {cases_total} cases, none stale: a page pays {page:.1f} ms")
    print(f"  (comparing every case with its verdict instead: {scan:.1f} ms)")
    ids = list(cases.order_by("?").values_list("pk", flat=True)[: min(STALE, cases_total)])
    Case.objects.filter(pk__in=ids).note_change()
    page, pending = ms(lambda: refresh_for_page(cases))
    sweep, done = ms(refresh_stale)  # the periodic sweep, to the end: pages then find none
    print(f"  {len(ids)} made stale: the next page pays {page:.0f} ms ({pending} left pending),")
    print(f"  the sweep {sweep:.0f} ms for {done} ({sweep / max(1, done):.1f} ms each)")


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
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (scripts/postgres)")
    parser.add_argument(
        "--pg-port", type=int, default=5449, help="this benchmark's own cluster (one per port)"
    )
    parser.add_argument("--web-processes", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=8, help="per web process")
    parser.add_argument(
        "--only",
        metavar="WORDS",
        help="only the pages whose name holds WORDS (and the login page), no refresh report: "
        "e.g. --only 'case page' --requests 600 for one page's tail",
    )
    args = parser.parse_args()
    POSTGRES.update(
        CRENEAU_PG_DIR=f"/tmp/creneau-pg-bench-load-{args.pg_port}",
        CRENEAU_PG_PORT=str(args.pg_port),
    )
    try:
        run(args)
    finally:
        if args.postgres:
            postgres("stop")


def run(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    if args.postgres:
        os.environ["CRENEAU_DATABASE_URL"] = fresh_postgres()
    else:
        os.environ.pop("CRENEAU_DATABASE_URL", None)
    data_dir = django_with_fresh_database()
    reference = generate(args.cases, args.attempts)
    print(
        f"{args.cases} cases, {args.cases * args.attempts} attempts in "
        f"{time.perf_counter() - began:.1f} s ({data_dir}); load {os.getloadavg()[0]:.1f}"
    )
    if args.postgres:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    port = free_port()
    app = start_app(data_dir, port, args.web_processes, args.threads)
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
        if args.only:
            pages = [page for page in pages if not page[2] or args.only in page[0]]
        query_report(pages)
        if not args.only:
            refresh_report(args.cases)
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
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nconcurrency {args.concurrency}, {args.web_processes} web process(es) of "
        f"{args.threads} threads, "
        f"{engine}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
