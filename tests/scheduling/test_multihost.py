"""The multi-host rehearsal on one machine: PostgreSQL, a local S3 server, workers and a
scheduler each with its own home folder and no shared disk.

Hosts are processes with their own ``CRENEAU_DATA_DIR`` (nothing else in common but the
database, the bucket and the keys given in the environment, as in docs/deployment.md):
``worker-1`` and ``worker-2`` run ``db_worker``, ``scheduler`` ticks, ``web`` reads (verify,
bundle). The scenario: worker-1 seals a capture of case A; the S3 server restarts; worker-2 is
killed (SIGKILL, with its Chromium) while it waits on the page for case B; the scheduler's lease
brings case B back and both workers run the queue. Then: each case has exactly one sealed
attempt, every blob is in the bucket and on no host's disk, and the web host, which wrote
nothing, verifies the whole store and builds a bundle from it. Last, a bundle started as from the
web page is built by worker-1 (the ``default`` queue) and downloaded by the web host from the
bucket.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from creneau.simulators.server import SimulatorServer, start
from tests.s3server import S3Server
from tests.scheduling.test_postgres import postgres_dsn
from tests.trust.test_worker_killed import wait_until

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "creneau_multihost"
HOSTS = ("web", "worker-1", "worker-2", "scheduler")

pytestmark = [pytest.mark.postgres, pytest.mark.s3, pytest.mark.browser]
__all__ = ["postgres_dsn"]

PREPARE = """
from django.utils import timezone
from datetime import timedelta
import random
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling import scheduler
from creneau.scheduling.models import EvidenceSchedule
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
page = BookingPage.objects.create(url="{url}", system="legacy")
for name in ("Diallo", "Nguyen"):
    person = Person.objects.create(organisation=org, family_name=name)
    case = Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
        department=Department.objects.get(code="93"), booking_page=page)
    print(case.reference)
scheduler.ensure_schedules(timezone.now(), random.Random(1))
EvidenceSchedule.objects.update(next_run_at=timezone.now() + timedelta(days=30))
"""

DUE = """
from django.utils import timezone
from creneau.catalog.models import BookingPage
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule
now = timezone.now()
EvidenceSchedule.objects.filter(case__reference="{reference}").update(next_run_at=now)
page = BookingPage.objects.get()
for work in scheduler.claim_evidence(now, [(page.pk, page.url)], {{}}):
    tasks.enqueue(work)
    print(work.kind)
"""

TICK_LATER = """
from datetime import timedelta
from django.utils import timezone
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule
later = timezone.now() + scheduler.LEASE + timedelta(minutes=1)
# Only the killed attempt matters: other due rows stay claimed without a task.
row = EvidenceSchedule.objects.get(case__reference="{reference}").pk
mine = lambda w: w.kind == "evidence" and w.row_id == row
report = scheduler.tick(later, dispatch=lambda w: mine(w) and tasks.enqueue(w))
print(sum(map(mine, report.claimed)))
"""

START_BUNDLE = """
from creneau.cases.models import Case
from creneau.court.models import BundleBuild
from creneau.court.tasks import build_bundle_task
build = BundleBuild.objects.create(case=Case.objects.get(reference="{reference}"))
build_bundle_task.enqueue(str(build.pk))
print(build.pk)
"""

DOWNLOAD_BUNDLE = """
import hashlib
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from creneau.accounts.models import Member
from creneau.court.models import BundleBuild
build = BundleBuild.objects.select_related("case", "archive").get(pk="{build}")
user = User.objects.create_user("web-volunteer")
Member.objects.create(user=user, organisation=build.case.organisation, role="volunteer")
client = Client(HTTP_HOST="localhost")
client.force_login(user)
answer = client.get(reverse("court-bundle-zip", args=[build.case.reference, build.pk]))
data = b"".join(answer.streaming_content) if answer.status_code == 200 else b""
print(build.state, answer.status_code, hashlib.sha256(data).hexdigest() == build.archive.sha256)
"""


@pytest.fixture
def fresh_database(postgres_dsn: str) -> str:
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    return postgres_dsn.rsplit("/", 1)[0] + "/" + DATABASE


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    server = S3Server(tmp_path / "s3-state").start()
    yield server
    server.stop()


@pytest.fixture
def simulator() -> Iterator[SimulatorServer]:
    with start() as server:
        yield server


def hosts(tmp_path: Path, database: str, s3: S3Server, bucket: str) -> dict[str, dict[str, str]]:
    """One environment per host: its own home folder; the rest as production gives it."""
    shared = {**os.environ, "CRENEAU_DATABASE_URL": database, "CRENEAU_TSA_URLS": ""}
    shared |= s3.environment(bucket)
    shared["CRENEAU_SECRET_KEY"] = secrets.token_urlsafe(50)
    shared["CRENEAU_FIELD_KEYS"] = secrets.token_urlsafe(50)
    for window in ("WATCH", "EVIDENCE"):  # whatever the hour the test runs at
        shared[f"CRENEAU_{window}_HOURS"], shared[f"CRENEAU_{window}_DAYS"] = (
            "00:00-23:59",
            "mon-sun",
        )
    return {name: shared | {"CRENEAU_DATA_DIR": str(tmp_path / name)} for name in HOSTS}


def manage(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
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


def worker(*extra: str) -> list[str]:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "attempts"]
    return [*command, "--no-startup-delay", "--no-reload", "--interval", "0.1", *extra]


def rows(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(database) as db:
        return db.execute(sql).fetchall()


def test_two_worker_hosts_a_killed_worker_and_a_restarted_bucket_lose_nothing_and_repeat_nothing(
    tmp_path, fresh_database, s3, simulator
):
    bucket = s3.new_bucket(object_lock=True)
    env = hosts(tmp_path, fresh_database, s3, bucket)
    manage(env["scheduler"], "migrate", "-v0")
    prepared = manage(env["scheduler"], "shell", "-c", PREPARE.format(url=simulator.url("legacy")))
    case_a, case_b = prepared.stdout.split()[-2:]

    # worker-1 seals case A's capture into the bucket.
    simulator.set_state("legacy", "no_slot")
    due = manage(env["scheduler"], "shell", "-c", DUE.format(reference=case_a)).stdout.split()
    assert due[-1] == "evidence" and due.count("evidence") == 1
    first = subprocess.run(
        worker("--batch"),
        cwd=ROOT,
        env=env["worker-1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr[-3000:]
    before_restart = {o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"]}
    assert before_restart

    s3.restart()  # same port, same state folder: the bucket keeps what it acknowledged

    # worker-2 is killed while its Chromium waits on the page for case B.
    simulator.set_state("legacy", "slow")
    due = manage(env["scheduler"], "shell", "-c", DUE.format(reference=case_b)).stdout.split()
    assert due[-1] == "evidence" and due.count("evidence") == 1
    killed = subprocess.Popen(
        worker(), cwd=ROOT, env=env["worker-2"], start_new_session=True, stderr=subprocess.DEVNULL
    )
    seen = simulator.stats()["total"]
    try:
        wait_until(lambda: simulator.stats()["total"] > seen, 90, "Chromium to reach the page")
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)

    # The scheduler's lease brings case B back; both worker hosts run the queue.
    simulator.set_state("legacy", "no_slot")
    assert (
        manage(env["scheduler"], "shell", "-c", TICK_LATER.format(reference=case_b)).stdout.split()[
            -1
        ]
        == "1"
    )
    batch = [
        subprocess.Popen(
            worker("--batch"), cwd=ROOT, env=env[name], stderr=subprocess.PIPE, text=True
        )
        for name in ("worker-1", "worker-2")
    ]
    logs = [process.communicate(timeout=300)[1] for process in batch]
    assert [process.returncode for process in batch] == [0, 0], logs

    sealed = rows(
        fresh_database,
        "SELECT c.reference, count(*) FROM cases_attempt a JOIN cases_case c ON c.id = a.case_id "
        "WHERE a.source = 'sealed' GROUP BY c.reference",
    )
    attempts = rows(fresh_database, "SELECT case_id, source, outcome FROM cases_attempt")
    assert sorted(sealed) == sorted([(case_a, 1), (case_b, 1)]), (attempts, first.stderr, logs)
    captures = rows(fresh_database, "SELECT count(*), count(attempt_id) FROM evidence_capture")
    assert captures == [(2, 2)]
    stored = {o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"]}
    assert before_restart <= stored
    blobs = rows(fresh_database, "SELECT sha256 FROM evidence_blob")
    assert {f"sha256/{d[:2]}/{d[2:]}" for (d,) in blobs} <= stored
    for name in HOSTS:  # no host kept evidence on its own disk
        assert not (tmp_path / name / "evidence" / "sha256").exists()

    # The web host wrote nothing, and reads everything.
    verified = manage(env["web"], "verify", "--store", "--json", ok=False)
    report = json.loads(verified.stdout)
    assert verified.returncode == 0 and report["ok"] is True, verified.stdout
    bundle = manage(
        env["web"], "bundle", case_a, "--out", str(tmp_path / "bundle"), "--json", ok=False
    )
    assert bundle.returncode in {0, 1}, bundle.stderr[-3000:]
    copied = set(json.loads(bundle.stdout)["files"].values())
    assert copied & {digest for (digest,) in blobs}  # evidence read from the bucket, copied out

    # A bundle started on the web host is built by worker-1, and sent by the web host.
    build = manage(env["web"], "shell", "-c", START_BUNDLE.format(reference=case_a)).stdout
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--batch"]
    command += ["--no-startup-delay", "--no-reload", "--interval", "0.1"]
    built = subprocess.run(
        command, cwd=ROOT, env=env["worker-1"], capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert not [p for p in (tmp_path / "worker-1").rglob("bundles/**/*") if p.is_file()]
    download = DOWNLOAD_BUNDLE.format(build=build.split()[-1])
    assert manage(env["web"], "shell", "-c", download).stdout.split()[-3:] == [
        "done",
        "200",
        "True",
    ]
