"""PostgreSQL restarted while two workers record attempts: nothing lost, nothing twice.

A throwaway cluster of its own (scripts/postgres with another folder and port), so restarting
it never disturbs other tests. Workers run as a supervisor (systemd, ``creneau run``) would run
them: one that dies is started again. A task that failed, or was left RUNNING by a worker that
died, is enqueued again, as the scheduler's lease does for real attempts; the task itself is
idempotent per key. At the end every key has exactly one Attempt and every journal verifies.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.trust.embedded import manage

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres"
TASKS = 240
CASES = 6

PREPARE = f"""
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import Department
from tests.trust.pgtasks import record_attempt
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
ids = []
for n in range({CASES}):
    person = Person.objects.create(organisation=org, family_name=f"P{{n}}")
    ids.append(Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
        department=Department.objects.get(code="93")).pk)
for key in range({TASKS}):
    record_attempt.enqueue(ids[key % {CASES}], key)
"""

RETRY = """
from django_tasks_db.models import DBTaskResult
from tests.trust.pgtasks import record_attempt
done = set()
for row in DBTaskResult.objects.filter(status="SUCCESSFUL"):
    done.add(tuple(row.args_kwargs["args"]))
retried = 0
for row in DBTaskResult.objects.exclude(status="SUCCESSFUL"):
    args = tuple(row.args_kwargs["args"])
    if args not in done:
        record_attempt.enqueue(*args)
        done.add(args)
        retried += 1
print("retried", retried)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cluster() -> Iterator[dict[str, str]]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL binaries are not installed (scripts/bootstrap installs them)")
    folder = tempfile.mkdtemp(prefix="creneau-pg-trust-")
    env = {**os.environ, "CRENEAU_PG_DIR": folder, "CRENEAU_PG_PORT": str(free_port())}
    env["CRENEAU_PG_DB"] = "creneau_trust"
    started = subprocess.run(
        [str(SCRIPT), "start"], env=env, capture_output=True, text=True, check=True
    )
    env["DSN"] = started.stdout.strip().splitlines()[-1]
    yield env
    subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def restart(cluster: dict[str, str]) -> None:
    """pg_ctl restart, as its owner (scripts/postgres has no restart verb)."""
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    folder = cluster["CRENEAU_PG_DIR"]
    command = [str(pg_ctl), "-D", folder, "-l", f"{folder}/server.log", "-m", "fast", "-w"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # The server outlives pg_ctl: it must not hold our pipes open (hence the log file).
    subprocess.run([*command, "restart"], check=True, stdout=subprocess.DEVNULL, timeout=60)


def task_counts(dsn: str) -> dict[str, int]:
    """Task statuses; empty while the server is restarting."""
    try:
        with psycopg.connect(dsn, connect_timeout=2) as db:
            rows = db.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
    except psycopg.OperationalError:
        return {}
    return {status: int(count) for status, count in rows}


def queue_empty(counts: dict[str, int]) -> bool:
    return bool(counts) and counts.get("READY", 0) == 0  # {}: the server did not answer


class Workers:
    """Two db_worker processes, each started again when it exits (as a supervisor would)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.command = [sys.executable, "manage.py", "db_worker", "--queue-name", "attempts"]
        self.command += ["--no-startup-delay", "--no-reload", "--interval", "0.05"]
        self.processes = [self._start() for _ in range(2)]
        self.deaths = 0

    def _start(self) -> "subprocess.Popen[bytes]":
        log = (self.logs / f"worker-{time.monotonic_ns()}.log").open("wb")
        return subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stderr=log, start_new_session=True
        )

    def supervise(self) -> None:
        for index, process in enumerate(self.processes):
            if process.poll() is not None:
                self.deaths += 1
                self.processes[index] = self._start()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()  # db_worker finishes the task in hand, then exits
        for process in self.processes:
            process.wait(timeout=60)


def wait_for(predicate, seconds: float, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers.supervise()
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {workers.deaths} deaths")


def test_a_database_restart_under_load_loses_no_attempt_and_records_none_twice(cluster, tmp_path):
    dsn = cluster["DSN"]
    env = {**os.environ, "CRENEAU_DATABASE_URL": dsn, "CRENEAU_DATA_DIR": str(tmp_path)}
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", PREPARE)

    workers = Workers(env, tmp_path)
    try:
        third = TASKS // 3
        wait_for(lambda: task_counts(dsn).get("SUCCESSFUL", 0) >= third, 120, "a third", workers)
        restart(cluster)
        wait_for(lambda: queue_empty(task_counts(dsn)), 180, "the queue", workers)
    finally:
        workers.stop()
    after_restart = task_counts(dsn)
    retried = manage(env, "shell", "-c", RETRY).stdout.split()[-1]
    drained = subprocess.run(
        [*workers.command, "--batch"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert drained.returncode == 0, drained.stderr[-3000:]
    print(f"\nafter restart: {after_restart}, worker deaths {workers.deaths}, retried {retried}")

    with psycopg.connect(dsn) as db:
        notes = [n for (n,) in db.execute("SELECT note FROM cases_attempt").fetchall()]
        entries = db.execute("SELECT count(*) FROM evidence_journalentry").fetchone()
        missing = db.execute(
            "SELECT count(*) FROM cases_attempt a WHERE NOT EXISTS "
            "(SELECT 1 FROM evidence_journalentry j WHERE j.attempt_id = a.id)"
        ).fetchone()
    assert sorted(notes) == sorted(f"key-{key}" for key in range(TASKS))  # once each
    assert entries == (TASKS,) and missing == (0,)
    report = json.loads(manage(env, "verify", "--store", "--json").stdout)
    assert report["ok"] is True
