"""The embedded mode as its own processes: one SQLite file, ``manage.py`` commands and workers.

Shared by the trust tests that kill, hang or restart real worker processes.
"""

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# One case on one booking page, its evidence attempt claimed and queued for a worker.
ONE_CASE_QUEUED = """
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
page = BookingPage.objects.create(url="{url}", system="{system}")
person = Person.objects.create(organisation=org, family_name="Diallo")
Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
    department=Department.objects.get(code="93"), booking_page=page)
now = timezone.now()
scheduler.ensure_schedules(now, random.Random(1))
EvidenceSchedule.objects.update(next_run_at=now)
work = scheduler.claim_evidence(now, [(page.pk, page.url)], {{}})[0]
tasks.enqueue(work)
"""


def embedded_env(home: Path, *, all_day: bool = True) -> dict[str, str]:
    """The environment of a process of the embedded mode living in ``home`` (no TSA)."""
    env = {**os.environ, "CRENEAU_DATA_DIR": str(home), "CRENEAU_TSA_URLS": ""}
    env.pop("CRENEAU_DATABASE_URL", None)
    if all_day:  # whatever the hour the test runs at
        for window in ("WATCH", "EVIDENCE"):
            env[f"CRENEAU_{window}_HOURS"] = "00:00-23:59"
            env[f"CRENEAU_{window}_DAYS"] = "mon-sun"
    return env


def manage(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` in its own process; with ``ok`` it must succeed."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert not ok or done.returncode == 0, done.stderr[-3000:]
    return done


def queue_one_case(env: dict[str, str], url: str, system: str) -> None:
    manage(env, "shell", "-c", ONE_CASE_QUEUED.format(url=url, system=system))


def wait_until(predicate: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)  # polling other processes, with a deadline
    raise AssertionError(f"timed out waiting for {what}")


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()
