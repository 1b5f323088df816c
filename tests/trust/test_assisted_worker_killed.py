"""A worker killed while it holds an assisted session open (the person is reading the code).

Real processes on a real SQLite file: a ``db_worker`` of the ``assisted`` queue opens the RDV
Préfecture simulator in Chromium and shows the challenge; the worker and its browser are then
killed. The session must not stay « en cours » until its link expires: once it has stopped
moving, the sweep marks it failed (nothing half-recorded), the person starts again from the same
link, and a new worker completes the attempt.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from creneau.simulators.server import start
from tests.trust.embedded import ROOT, embedded_env, manage, query, wait_until

pytestmark = pytest.mark.browser

PREPARE = """
from datetime import timedelta
from django.utils import timezone
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling import tasks
from creneau.scheduling.models import AssistedSession
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
page = BookingPage.objects.create(url="{url}", system="rdv_prefecture")
person = Person.objects.create(organisation=org, family_name="Diallo")
case = Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
    department=Department.objects.get(code="93"), booking_page=page)
session = AssistedSession.objects.create(case=case, expires_at=timezone.now() + timedelta(hours=4))
tasks.start_assisted(session)
"""

SWEEP_LATER = """
from django.utils import timezone
from creneau.scheduling import assisted
print(assisted.sweep_stalled(timezone.now() + assisted.STALLED + assisted.HEARTBEAT))
"""

START_AGAIN = """
from creneau.scheduling import tasks
from creneau.scheduling.models import AssistedSession
print(tasks.start_assisted(AssistedSession.objects.get()))
"""

ANSWER = """
from creneau.scheduling import assisted
from creneau.scheduling.models import AssistedSession
print(assisted.give_answer(AssistedSession.objects.get(), "{code}"))
"""


def assisted_worker() -> list[str]:
    return [
        *(sys.executable, "manage.py", "db_worker", "--queue-name", "assisted"),
        *("--no-startup-delay", "--no-reload", "--interval", "0.1"),
    ]


def state(database: Path) -> str:
    return str(query(database, "SELECT state FROM scheduling_assistedsession")[0][0])


def test_a_session_whose_worker_died_is_failed_then_started_again_and_completed(tmp_path):
    env = embedded_env(tmp_path, all_day=False)
    database = tmp_path / "creneau.sqlite3"
    with start() as sim:
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", PREPARE.format(url=sim.url("rdv_prefecture")))
        assert state(database) == "requested"

        first = subprocess.Popen(
            assisted_worker(), cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL
        )
        try:
            wait_until(lambda: state(database) == "challenge", 90, "the challenge to be shown")
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the worker and its Chromium
            first.wait(timeout=30)

        assert state(database) == "challenge"  # nobody left to type the answer
        assert manage(env, "shell", "-c", SWEEP_LATER).stdout.split()[-1] == "1"
        assert state(database) == "failed"
        row = query(database, "SELECT error, challenge FROM scheduling_assistedsession")[0]
        error, challenge = row
        assert error.startswith("interrupted") and not challenge
        assert query(database, "SELECT id FROM cases_attempt") == []
        assert json.loads(manage(env, "verify", "--store", "--json").stdout)["ok"] is True

        assert manage(env, "shell", "-c", START_AGAIN).stdout.split()[-1] == "True"
        second = subprocess.Popen(
            assisted_worker(), cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL
        )
        try:
            wait_until(lambda: state(database) == "challenge", 90, "the challenge again")
            code = sim.captcha_code
            assert manage(env, "shell", "-c", ANSWER.format(code=code)).stdout.split()[-1] == "True"
            wait_until(lambda: state(database) == "done", 90, "the attempt to be sealed")
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=30)

    attempts = query(database, "SELECT outcome, source FROM cases_attempt")
    assert attempts == [("no_slot", "sealed")]
    assert json.loads(manage(env, "verify", "--store", "--json").stdout)["ok"] is True
