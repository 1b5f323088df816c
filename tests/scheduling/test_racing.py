"""Two scheduler processes ticking at the same instant never claim the same row.

Real processes on a real database file (SQLite in WAL mode, as the embedded mode runs it), and
on PostgreSQL when the `postgres` marker is selected.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from creneau.scheduling.jobs import JOBS
from tests.scheduling.test_postgres import fresh_database  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30

PREPARE = f"""
from django.utils import timezone
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling.models import EvidenceSchedule, PageWatch
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
for n in range({ROWS}):
    url = f"https://h{{n}}.example/booking/create/1"
    page = BookingPage.objects.create(url=url, system="legacy")
    person = Person.objects.create(organisation=org, family_name="x")
    case = Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
        department=Department.objects.get(code="93"), booking_page=page)
    PageWatch.objects.create(page=page, next_run_at=timezone.now())
    EvidenceSchedule.objects.create(case=case, next_run_at=timezone.now())
"""

RACE = """
import os, sys, time
from creneau.scheduling import scheduler, tasks
print("ready", flush=True)
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.005)
scheduler.tick(dispatch=tasks.enqueue)
"""


def race(env: dict[str, str], go_file: Path) -> list[tuple[str, int]]:
    manage = [sys.executable, "manage.py"]
    assert subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env).returncode == 0
    assert subprocess.run([*manage, "shell", "-c", PREPARE], cwd=ROOT, env=env).returncode == 0
    env = {**env, "GO_FILE": str(go_file), "CRENEAU_POLITENESS_CAPACITY": "1000"}
    for window in ("WATCH", "EVIDENCE"):  # whatever the hour the test runs at
        env[f"CRENEAU_{window}_HOURS"], env[f"CRENEAU_{window}_DAYS"] = "00:00-23:59", "mon-sun"
    schedulers = [
        subprocess.Popen(
            [*manage, "shell", "-c", RACE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for process in schedulers:
        assert process.stdout is not None
        while process.stdout.readline().strip() != "ready":
            pass
    go_file.touch()
    for process in schedulers:
        assert process.wait(timeout=120) == 0
    listing = (
        "from django_tasks_db.models import DBTaskResult\n"
        "for r in DBTaskResult.objects.all():\n"
        "    print(r.task_path.rsplit('.', 1)[1], r.args_kwargs['args'][0])\n"
    )
    out = subprocess.run(
        [*manage, "shell", "-c", listing], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = [line.split() for line in out.stdout.splitlines() if line.startswith("run_")]
    return [(name, int(row)) for name, row in lines]


def assert_each_row_once(enqueued: list[tuple[str, int]]) -> None:
    assert len(enqueued) == len(set(enqueued))
    names = [name for name, _ in enqueued]
    assert names.count("run_watch") == ROWS
    assert names.count("run_evidence_attempt") == ROWS
    assert names.count("run_job") == len(JOBS)  # each housekeeping job once


def test_two_scheduler_processes_on_sqlite_claim_every_row_once(tmp_path):
    env = {**os.environ, "CRENEAU_DATA_DIR": str(tmp_path)}
    env.pop("CRENEAU_DATABASE_URL", None)

    assert_each_row_once(race(env, tmp_path / "go"))


@pytest.mark.postgres
def test_two_scheduler_processes_on_postgres_claim_every_row_once(fresh_database, tmp_path):  # noqa: F811
    env = {**os.environ, "CRENEAU_DATA_DIR": str(tmp_path), "CRENEAU_DATABASE_URL": fresh_database}

    assert_each_row_once(race(env, tmp_path / "go"))
