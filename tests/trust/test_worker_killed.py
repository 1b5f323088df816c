"""A worker killed with SIGKILL in the middle of a capture: nothing half-written, work redone.

Real processes on a real SQLite file (the embedded mode): a ``db_worker`` starts an evidence
attempt against a simulator page that answers slowly, so Chromium is waiting on it when the
worker (and its browser, same process group) is killed. django-tasks-db leaves that task
RUNNING forever; the scheduler's lease is what brings the work back, on the next tick after
the lease ends, to another worker.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from creneau.simulators.server import SimulatorServer, start

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

PREPARE = """
import random
from django.utils import timezone
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
page = BookingPage.objects.create(url="{url}", system="legacy")
person = Person.objects.create(organisation=org, family_name="Diallo")
Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
    department=Department.objects.get(code="93"), booking_page=page)
now = timezone.now()
scheduler.ensure_schedules(now, random.Random(1))
EvidenceSchedule.objects.update(next_run_at=now)
work = scheduler.claim_evidence(now, [(page.pk, page.url)], {{}})[0]
tasks.enqueue(work)
"""

# A tick once the lease is over; watches and jobs are left claimed: only the attempt matters.
TICK_LATER = """
from datetime import timedelta
from django.utils import timezone
from creneau.scheduling import scheduler, tasks
later = timezone.now() + scheduler.LEASE + timedelta(minutes=1)
report = scheduler.tick(later, dispatch=lambda w: w.kind == "evidence" and tasks.enqueue(w))
print(sum(w.kind == "evidence" for w in report.claimed))
"""


@pytest.fixture
def slow_simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        server.set_state("legacy", "slow")
        yield server


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def worker(env: dict[str, str], *extra: str) -> list[str]:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "attempts"]
    return [*command, "--no-startup-delay", "--no-reload", "--interval", "0.1", *extra]


def wait_until(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def test_a_worker_killed_mid_capture_leaves_nothing_half_written_and_the_lease_brings_it_back(
    tmp_path, slow_simulator
):
    env = {**os.environ, "CRENEAU_DATA_DIR": str(tmp_path), "CRENEAU_TSA_URLS": ""}
    env.pop("CRENEAU_DATABASE_URL", None)
    for window in ("WATCH", "EVIDENCE"):  # whatever the hour the test runs at
        env[f"CRENEAU_{window}_HOURS"], env[f"CRENEAU_{window}_DAYS"] = "00:00-23:59", "mon-sun"
    database = tmp_path / "creneau.sqlite3"
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", PREPARE.format(url=slow_simulator.url("legacy")))

    first = subprocess.Popen(
        worker(env), cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: slow_simulator.stats()["total"] > 0, 60, "Chromium to reach the page")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and the Chromium it started
        first.wait(timeout=30)

    running = query(database, "SELECT status FROM django_tasks_database_dbtaskresult")
    assert running == [("RUNNING",)]  # the dead worker's task: never re-run by django-tasks-db
    captures = query(database, "SELECT id, attempt_id FROM evidence_capture")
    sealed = query(database, "SELECT id FROM cases_attempt WHERE source = 'sealed'")
    assert captures == [] and sealed == []  # killed before the page answered: nothing written
    verified = manage(env, "verify", "--store", "--json")
    assert json.loads(verified.stdout)["ok"] is True

    slow_simulator.set_state("legacy", "no_slot")
    assert manage(env, "shell", "-c", TICK_LATER).stdout.split()[-1] == "1"
    second = subprocess.run(
        worker(env, "--batch"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert second.returncode == 0, second.stderr[-3000:]

    attempts = query(database, "SELECT id, outcome FROM cases_attempt WHERE source = 'sealed'")
    assert [outcome for _, outcome in attempts] == ["no_slot"]
    linked = query(database, "SELECT attempt_id FROM evidence_capture")
    assert linked == [(attempts[0][0],)]
    schedule = query(database, "SELECT claimed_until, claim, runs FROM scheduling_evidenceschedule")
    assert schedule == [(None, "", 1)]
    statuses = query(database, "SELECT status FROM django_tasks_database_dbtaskresult")
    assert sorted(statuses) == [("RUNNING",), ("SUCCESSFUL",)]
    verified = manage(env, "verify", "--store", "--json")
    assert json.loads(verified.stdout)["ok"] is True
