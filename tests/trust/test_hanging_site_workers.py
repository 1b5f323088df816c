"""Issue 24 item 3: in the embedded mode, a slot alert never waits behind a hanging capture.

Real processes on a real SQLite file, started exactly as ``creneau run`` starts its workers
(``run.BACKGROUND``, without the scheduler): an evidence attempt visits a server that accepts
and never answers, and while it hangs there, a slot alert is queued. The alert must be sent
while the capture is still waiting on the site.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creneau.desk.management.commands.run import BACKGROUND
from tests.hanging import hanging_server

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
page = BookingPage.objects.create(url="{url}", system="generic")
person = Person.objects.create(organisation=org, family_name="Diallo")
Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
    department=Department.objects.get(code="93"), booking_page=page)
now = timezone.now()
scheduler.ensure_schedules(now, random.Random(1))
EvidenceSchedule.objects.update(next_run_at=now)
work = scheduler.claim_evidence(now, [(page.pk, page.url)], {{}})[0]
tasks.enqueue(work)
"""

ALERT = """
from django.utils import timezone
from creneau.catalog.models import BookingPage
from creneau.notifications.models import SlotEpisode
from creneau.notifications.alerts import alert_episode
episode = SlotEpisode.objects.create(page=BookingPage.objects.get(), opened_at=timezone.now())
alert_episode.enqueue(episode.pk)
"""


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def wait_until(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)  # polling other processes, with a deadline
    raise AssertionError(f"timed out waiting for {what}")


def statuses(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT queue_name, status FROM django_tasks_database_dbtaskresult")
        return dict(rows.fetchall())


def test_a_slot_alert_is_sent_while_a_capture_hangs_on_a_silent_site(tmp_path):
    env = {**os.environ, "CRENEAU_DATA_DIR": str(tmp_path), "CRENEAU_TSA_URLS": ""}
    env.pop("CRENEAU_DATABASE_URL", None)
    env["CRENEAU_CAPTURE_DEADLINE"] = "600"  # the capture must still hang when the alert goes
    for window in ("WATCH", "EVIDENCE"):  # whatever the hour the test runs at
        env[f"CRENEAU_{window}_HOURS"], env[f"CRENEAU_{window}_DAYS"] = "00:00-23:59", "mon-sun"
    database = tmp_path / "creneau.sqlite3"
    manage(env, "migrate", "-v0")
    workers = [argv for argv in BACKGROUND if argv[0] == "db_worker"]
    with hanging_server() as site:
        manage(env, "shell", "-c", PREPARE.format(url=site.url))
        children = [
            subprocess.Popen(
                [sys.executable, "manage.py", *argv],
                cwd=ROOT,
                env=env,
                start_new_session=True,  # each worker and its Chromium, stopped together
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for argv in workers
        ]
        try:
            wait_until(lambda: site.connections() > 0, 90, "the capture to reach the site")
            manage(env, "shell", "-c", ALERT)
            wait_until(
                lambda: statuses(database).get("alerts") == "SUCCESSFUL", 90, "the alert task"
            )
            assert statuses(database)["attempts"] == "RUNNING"  # still waiting on the site
            with sqlite3.connect(database) as db:
                assert db.execute("SELECT count(*) FROM evidence_capture").fetchone() == (0,)
                assert db.execute("SELECT count(*) FROM notifications_alertlog").fetchone()[0] > 0
        finally:
            for child in children:
                os.killpg(child.pid, signal.SIGKILL)
            for child in children:
                child.wait(timeout=30)
