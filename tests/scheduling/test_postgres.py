"""Scale mode against a real PostgreSQL: two db_worker processes share one queue."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
TASKS = 200
DATABASE = "creneau_multiworker"

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database(postgres_dsn: str) -> str:
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    return postgres_dsn.rsplit("/", 1)[0] + "/" + DATABASE


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_two_workers_run_each_of_200_tasks_exactly_once(fresh_database, tmp_path):
    env = {**os.environ, "CRENEAU_DATABASE_URL": fresh_database, "CRENEAU_DATA_DIR": str(tmp_path)}
    assert manage(env, "migrate", "--verbosity", "0").returncode == 0
    with psycopg.connect(fresh_database, autocommit=True) as db:
        db.execute("CREATE TABLE test_task_executions (key integer PRIMARY KEY, pid integer)")
    enqueue = (
        "from tests.scheduling.pgtasks import count_once\n"
        f"for key in range({TASKS}): count_once.enqueue(key)\n"
    )
    assert manage(env, "shell", "-c", enqueue).returncode == 0

    worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "attempts", "--batch"]
    worker += ["--no-startup-delay", "--no-reload", "--interval", "0.05"]
    workers = [
        subprocess.Popen(worker, cwd=ROOT, env=env, stderr=subprocess.PIPE) for _ in range(2)
    ]
    for process in workers:
        assert process.wait(timeout=180) == 0

    with psycopg.connect(fresh_database) as db:
        executions = db.execute(
            "SELECT count(*), count(DISTINCT pid) FROM test_task_executions"
        ).fetchone()
        statuses = dict(
            db.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        )
    assert executions is not None and executions[0] == TASKS
    assert executions[1] == 2  # both workers took part
    assert statuses == {"SUCCESSFUL": TASKS}


def test_the_cluster_script_is_idempotent(postgres_dsn):
    again = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), "start"], capture_output=True, text=True
    )

    assert again.returncode == 0 and again.stdout.strip() == postgres_dsn
    assert shutil.which("psql") or Path("/usr/lib/postgresql").exists()
