"""The multi-host rehearsal on one machine: PostgreSQL, a local S3 server, workers, a scheduler
and a running web server, each with its own home folder and no shared disk.

Hosts are processes with their own ``CRENEAU_DATA_DIR`` (nothing else in common but the
database, the bucket and the keys given in the environment, as in docs/deployment.md):
``worker-1`` and ``worker-2`` run ``db_worker``, ``scheduler`` ticks, ``web`` runs
``creneau run --web-only`` on its own port, driven over HTTP like a browser would. The scenario:

1. worker-1 seals a capture of case A; the S3 server restarts;
2. worker-2 is killed (SIGKILL, with its Chromium) while it waits on the page for case B; the
   scheduler's lease brings case B back and both workers run the queue;
3. the S3 server stops while worker-1's Chromium waits on case A's page, so the capture's write
   finds no store: the run records a failure (never an attempt, never « aucun créneau »); the
   server starts again and the run's retry seals it;
4. an assisted session for case C (a page with a captcha): the person presses « Commencer » and
   types the code through the web server; worker-2's ``assisted`` queue holds the page, continues
   with the code and seals the result into the bucket;
5. a volunteer logs in to the web server, opens the case page and the evidence viewer, downloads
   a capture file (read from the bucket), starts a bundle that worker-1 builds, and downloads it.

Then: each case has exactly its sealed attempts, every blob is in the bucket once (one version)
and on no host's disk, the web host verifies the whole store, and the orphan sweep has nothing
to remove (nothing half-written).
"""

import hashlib
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from creneau.simulators.server import SimulatorServer, start
from tests.s3server import S3Server, free_port
from tests.trust.embedded import manage, wait_until

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "creneau_multihost"
HOSTS = ("web", "worker-1", "worker-2", "scheduler")

pytestmark = [pytest.mark.postgres, pytest.mark.s3, pytest.mark.browser]

PREPARE = """
from django.utils import timezone
from datetime import timedelta
import random
from creneau.accounts.models import Organisation
from creneau.cases.models import Case, Person
from creneau.catalog.loader import load_catalog
from creneau.catalog.models import BookingPage, Department
from creneau.scheduling import scheduler
from creneau.scheduling.models import AssistedSession, EvidenceSchedule
from creneau.scheduling.assisted import path_for
from django.contrib.auth.models import User
from creneau.accounts.models import Member
load_catalog()
org = Organisation.objects.create(name="g", slug="g")
user = User.objects.create_user("volunteer", password="{password}")
Member.objects.create(user=user, organisation=org, role="volunteer")
page = BookingPage.objects.create(url="{url}", system="legacy")
assisted = BookingPage.objects.create(url="{assisted_url}", system="rdv_prefecture")
cases = (("Diallo", page), ("Nguyen", page), ("Martin", page), ("Haddad", assisted))
for name, booking in cases:
    person = Person.objects.create(organisation=org, family_name=name)
    case = Case.objects.create(organisation=org, person=person, procedure_kind="renewal",
        department=Department.objects.get(code="93"), booking_page=booking)
    print(case.reference)
scheduler.ensure_schedules(timezone.now(), random.Random(1))
EvidenceSchedule.objects.update(next_run_at=timezone.now() + timedelta(days=30))
session = AssistedSession.objects.create(case=case, expires_at=timezone.now() + timedelta(hours=4))
print(path_for(session))
"""

DUE = """
from django.utils import timezone
from creneau.catalog.models import BookingPage
from creneau.scheduling import scheduler, tasks
from creneau.scheduling.models import EvidenceSchedule
now = timezone.now()
EvidenceSchedule.objects.filter(case__reference="{reference}").update(next_run_at=now)
page = BookingPage.objects.get(system="legacy")
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

PASSWORD = "un mot de passe de bénévole assez long"


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
    shared["CRENEAU_POLITENESS_CAPACITY"] = "20"  # every run of the scenario at once
    for window in ("WATCH", "EVIDENCE"):  # whatever the hour the test runs at
        shared[f"CRENEAU_{window}_HOURS"], shared[f"CRENEAU_{window}_DAYS"] = (
            "00:00-23:59",
            "mon-sun",
        )
    return {name: shared | {"CRENEAU_DATA_DIR": str(tmp_path / name)} for name in HOSTS}


def worker(*extra: str, queue: str = "attempts") -> list[str]:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", queue]
    return [*command, "--no-startup-delay", "--no-reload", "--interval", "0.1", *extra]


def rows(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(database) as db:
        return db.execute(sql).fetchall()


class Web:
    """The web host: ``creneau run --web-only`` on its own port, spoken to over HTTP."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = env | {"CRENEAU_SITE_URL": self.url}
        command = [sys.executable, "manage.py", "run", "--web-only", "--web-processes", "1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        wait_until(self.answers, 120, "the web server to answer")

    def answers(self) -> bool:
        assert self.process.poll() is None, "the web server exited"
        try:
            return requests.get(self.url + "/connexion/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def post_form(client: requests.Session, url: str, page: str, fields: dict[str, str]):
    """Submit a form of ``page`` (fetched first, as a browser would) with its CSRF token."""
    shown = client.get(page, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.text)
    assert token, (shown.status_code, page)
    fields = fields | {"csrfmiddlewaretoken": token.group(1)}
    return client.post(url, data=fields, timeout=60, allow_redirects=False)


def run_batch(env: dict[str, str], queue: str = "attempts") -> subprocess.CompletedProcess[str]:
    command = worker("--batch", queue=queue)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def last_outcome(database: str, reference: str) -> str:
    found = rows(
        database,
        "SELECT s.last_outcome FROM scheduling_evidenceschedule s JOIN cases_case c "
        f"ON c.id = s.case_id WHERE c.reference = '{reference}'",
    )
    return str(found[0][0])


def sealed_counts(database: str) -> list[tuple]:
    return sorted(
        rows(
            database,
            "SELECT c.reference, count(*) FROM cases_attempt a JOIN cases_case c "
            "ON c.id = a.case_id WHERE a.source = 'sealed' GROUP BY c.reference",
        )
    )


def session_state(database: str) -> str:
    return str(rows(database, "SELECT state FROM scheduling_assistedsession")[0][0])


def test_two_worker_hosts_a_killed_worker_and_a_restarted_bucket_lose_nothing_and_repeat_nothing(
    tmp_path, fresh_database, s3, simulator
):
    bucket = s3.new_bucket(object_lock=True)
    env = hosts(tmp_path, fresh_database, s3, bucket)
    manage(env["scheduler"], "migrate", "-v0")
    prepare = PREPARE.format(
        url=simulator.url("legacy"),
        assisted_url=simulator.url("rdv_prefecture"),
        password=PASSWORD,
    )
    prepared = manage(env["scheduler"], "shell", "-c", prepare).stdout.split()
    case_a, case_b, case_d, case_c, assisted_path = prepared[-5:]
    web = Web(env["web"], tmp_path / "web.log")
    try:
        first = captures_with_a_killed_worker(env, s3, simulator, fresh_database, case_a, case_b)
        a_write_while_the_store_is_down(env, s3, simulator, fresh_database, case_d)
        an_assisted_session_through_the_web_server(
            env, web, simulator, fresh_database, assisted_path
        )
        the_web_server_serves_the_evidence_from_the_bucket(env, web, fresh_database, case_a)
    finally:
        web.stop()

    expected = sorted((reference, 1) for reference in (case_a, case_b, case_c, case_d))
    assert sealed_counts(fresh_database) == expected
    attempts = rows(fresh_database, "SELECT outcome, source FROM cases_attempt")
    assert len(attempts) == 4 and all(outcome == "no_slot" for outcome, _ in attempts), attempts
    captures = rows(fresh_database, "SELECT count(*), count(attempt_id) FROM evidence_capture")
    assert captures == [(4, 4)]
    versions = s3.client().list_object_versions(Bucket=bucket)
    keys = [v["Key"] for v in versions.get("Versions", [])]
    assert len(keys) == len(set(keys)) and not versions.get("DeleteMarkers")  # nothing twice
    assert first <= set(keys)  # nothing the bucket acknowledged was lost by its restarts
    blobs = rows(fresh_database, "SELECT sha256 FROM evidence_blob")
    assert {f"sha256/{d[:2]}/{d[2:]}" for (d,) in blobs} == set(keys)  # no orphan either
    for name in HOSTS:  # no host kept evidence on its own disk
        assert not (tmp_path / name / "evidence" / "sha256").exists()

    # The web host wrote nothing, and reads everything; nothing is left to sweep.
    verified = manage(env["web"], "verify", "--store", "--json", ok=False)
    report = json.loads(verified.stdout)
    assert verified.returncode == 0 and report["ok"] is True, verified.stdout
    swept = json.loads(manage(env["web"], "store", "sweep", "--json").stdout)
    assert swept["removed"] == [] and swept["young"] == 0 and swept["ok"] is True
    bundle = manage(
        env["web"], "bundle", case_a, "--out", str(tmp_path / "bundle"), "--json", ok=False
    )
    assert bundle.returncode in {0, 1}, bundle.stderr[-3000:]
    copied = set(json.loads(bundle.stdout)["files"].values())
    assert copied & {digest for (digest,) in blobs}  # evidence read from the bucket, copied out


def captures_with_a_killed_worker(env, s3, simulator, database, case_a, case_b) -> set[str]:
    """Steps 1 and 2; returns the bucket's keys before its restart."""
    simulator.set_state("legacy", "no_slot")
    due = manage(env["scheduler"], "shell", "-c", DUE.format(reference=case_a)).stdout.split()
    assert due[-1] == "evidence" and due.count("evidence") == 1
    run_batch(env["worker-1"])
    bucket = env["web"]["CRENEAU_S3_BUCKET"]
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
    tick = manage(env["scheduler"], "shell", "-c", TICK_LATER.format(reference=case_b))
    assert tick.stdout.split()[-1] == "1"
    batch = [
        subprocess.Popen(
            worker("--batch"), cwd=ROOT, env=env[name], stderr=subprocess.PIPE, text=True
        )
        for name in ("worker-1", "worker-2")
    ]
    logs = [process.communicate(timeout=300)[1] for process in batch]
    assert [process.returncode for process in batch] == [0, 0], logs
    assert sealed_counts(database) == sorted([(case_a, 1), (case_b, 1)]), logs
    assert rows(database, "SELECT count(*), count(attempt_id) FROM evidence_capture") == [(2, 2)]
    return before_restart


def a_write_while_the_store_is_down(env, s3, simulator, database, case_d) -> None:
    """Step 3: the S3 server stops while the worker's Chromium waits on the page, so the
    capture's write meets no store (boto3 retries, then gives up): a failure is recorded,
    nothing else; once the server is back, the run's retry seals the capture."""
    simulator.set_state("legacy", "no_slot", delay_ms=4000)
    due = manage(env["scheduler"], "shell", "-c", DUE.format(reference=case_d)).stdout.split()
    assert due[-1] == "evidence", due
    running = subprocess.Popen(
        worker("--batch"), cwd=ROOT, env=env["worker-1"], stderr=subprocess.PIPE, text=True
    )
    seen = simulator.stats()["total"]
    wait_until(lambda: simulator.stats()["total"] > seen, 90, "Chromium to reach the page")
    s3.stop()  # its state saved: a provider's restart keeps what it acknowledged
    try:
        log = running.communicate(timeout=300)[1]
        assert running.returncode == 0, log[-3000:]
        assert last_outcome(database, case_d) == "store", log[-3000:]
    finally:
        s3.start()
    assert case_d not in dict(sealed_counts(database))  # no attempt without its evidence
    assert rows(database, "SELECT count(*) FROM evidence_capture") == [(2,)]

    simulator.set_state("legacy", "no_slot")
    due = manage(env["scheduler"], "shell", "-c", DUE.format(reference=case_d)).stdout.split()
    assert due[-1] == "evidence", due  # the same hour: a failed store write is no run
    run_batch(env["worker-1"])
    assert last_outcome(database, case_d) == "no_slot"
    assert dict(sealed_counts(database))[case_d] == 1


def an_assisted_session_through_the_web_server(env, web, simulator, database, path) -> None:
    """Step 4: the person's phone speaks to the web server; the code they read is typed into
    the page that worker-2 holds open."""
    phone = requests.Session()
    started = post_form(phone, web.url + path + "commencer/", web.url + path, {})
    assert started.status_code == 302
    holder = subprocess.Popen(
        worker(queue="assisted"),
        cwd=ROOT,
        env=env["worker-2"],
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: session_state(database) == "challenge", 120, "the challenge")
        shown = phone.get(web.url + path, timeout=30).text
        assert "data:image/png;base64," in shown  # the challenge as the server's browser saw it
        answer = {"answer": simulator.captcha_code}  # the person reads it; software never does
        assert post_form(phone, web.url + path + "reponse/", web.url + path, answer).ok
        wait_until(lambda: session_state(database) == "done", 120, "the attempt to be sealed")
    finally:
        os.killpg(holder.pid, signal.SIGTERM)
        holder.wait(timeout=60)
    recorded = rows(
        database,
        "SELECT a.outcome, a.source FROM scheduling_assistedsession s "
        "JOIN cases_attempt a ON a.id = s.attempt_id",
    )
    assert recorded == [("no_slot", "sealed")]


def the_web_server_serves_the_evidence_from_the_bucket(env, web, database, reference) -> None:
    """Step 5: a volunteer over HTTP: login, case page, evidence viewer and file, bundle."""
    desk = requests.Session()
    login = {"username": "volunteer", "password": PASSWORD}
    logged_in = post_form(desk, web.url + "/connexion/", web.url + "/connexion/", login)
    assert logged_in.status_code == 302, logged_in.text[-2000:]
    case_page = desk.get(f"{web.url}/dossiers/{reference}/", timeout=60)
    assert case_page.status_code == 200 and reference in case_page.text

    attempt_id, capture_id, digest = rows(
        database,
        "SELECT a.id, k.id, b.sha256 FROM cases_attempt a JOIN cases_case c ON c.id = a.case_id "
        "JOIN evidence_capture k ON k.attempt_id = a.id "
        "JOIN evidence_artefact f ON f.seal_id = k.seal_id "
        "JOIN evidence_blob b ON b.id = f.blob_id "
        f"WHERE c.reference = '{reference}' ORDER BY a.id, f.id LIMIT 1",
    )[0]
    viewer = f"{web.url}/dossiers/{reference}/tentatives/{attempt_id}/"
    assert desk.get(viewer, timeout=60).status_code == 200
    served = desk.get(f"{viewer}fichiers/{digest}", timeout=60)
    assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == digest
    sealed = desk.get(f"{viewer}scelle/{capture_id}.zip", timeout=60)  # the judge's folder
    assert sealed.status_code == 200
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(sealed.content)).namelist()

    court = f"{web.url}/dossiers/{reference}/tribunal/"
    started = post_form(desk, court + "dossier-de-depot/", court, {})
    assert started.status_code == 302
    build_page = web.url + started.headers["Location"]
    run_batch(env["worker-1"], "default")  # the bundle is built on a worker host
    assert not [
        p for p in Path(env["worker-1"]["CRENEAU_DATA_DIR"]).rglob("bundles/**/*") if p.is_file()
    ]
    archive = rows(
        database,
        "SELECT b.state, a.sha256 FROM court_bundlebuild b JOIN evidence_blob a "
        "ON a.id = b.archive_id",
    )
    assert [state for state, _ in archive] == ["done"]
    assert desk.get(build_page, timeout=60).status_code == 200
    download = desk.get(build_page + "dossier.zip", timeout=120)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == archive[0][1]
    assert "bundle.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
