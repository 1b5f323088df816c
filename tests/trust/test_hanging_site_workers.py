"""Issue 24 item 3: in the embedded mode, a slot alert never waits behind a hanging capture.

Real processes on a real SQLite file, started exactly as ``creneau run`` starts its workers
(``run.BACKGROUND``, without the scheduler): an evidence attempt visits a server that accepts
and never answers, and while it hangs there, a slot alert is queued. The alert must be sent
while the capture is still waiting on the site.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from creneau.desk.management.commands.run import BACKGROUND
from tests.hanging import hanging_server
from tests.trust.embedded import ROOT, embedded_env, manage, query, queue_one_case, wait_until

pytestmark = pytest.mark.browser

ALERT = """
from django.utils import timezone
from creneau.catalog.models import BookingPage
from creneau.notifications.models import SlotEpisode
from creneau.notifications.alerts import alert_episode
episode = SlotEpisode.objects.create(page=BookingPage.objects.get(), opened_at=timezone.now())
alert_episode.enqueue(episode.pk)
"""


def statuses(database: Path) -> dict[str, str]:
    return dict(
        query(database, "SELECT queue_name, status FROM django_tasks_database_dbtaskresult")
    )


def test_a_slot_alert_is_sent_while_a_capture_hangs_on_a_silent_site(tmp_path):
    env = embedded_env(tmp_path)
    env["CRENEAU_CAPTURE_DEADLINE"] = "600"  # the capture must still hang when the alert goes
    database = tmp_path / "creneau.sqlite3"
    manage(env, "migrate", "-v0")
    workers = [argv for argv in BACKGROUND if argv[0] == "db_worker"]
    with hanging_server() as site:
        queue_one_case(env, site.url, "generic")
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
            assert query(database, "SELECT count(*) FROM evidence_capture") == [(0,)]
            assert query(database, "SELECT count(*) FROM notifications_alertlog")[0][0] > 0
        finally:
            for child in children:
                os.killpg(child.pid, signal.SIGKILL)
            for child in children:
                child.wait(timeout=30)
