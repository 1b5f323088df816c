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
import subprocess
import sys
from collections.abc import Iterator

import pytest

from creneau.simulators.server import SimulatorServer, start
from tests.trust.embedded import ROOT, embedded_env, manage, query, queue_one_case, wait_until

pytestmark = pytest.mark.browser

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


def worker(env: dict[str, str], *extra: str) -> list[str]:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "attempts"]
    return [*command, "--no-startup-delay", "--no-reload", "--interval", "0.1", *extra]


def test_a_worker_killed_mid_capture_leaves_nothing_half_written_and_the_lease_brings_it_back(
    tmp_path, slow_simulator
):
    env = embedded_env(tmp_path)
    database = tmp_path / "creneau.sqlite3"
    manage(env, "migrate", "-v0")
    queue_one_case(env, slow_simulator.url("legacy"), "legacy")

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
