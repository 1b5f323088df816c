"""The dashboard's counts on PostgreSQL: the same case-by-case comparisons as on SQLite.

Each section is counted from its own index (partial indexes, a ``UNION``, a scalar subquery per
failing schedule); PostgreSQL plans these differently from SQLite, so the comparisons of
test_dashboard.py run again there, in a pytest of their own pointed at a throwaway cluster.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


@pytest.fixture
def dashboard_dsn(postgres_dsn: str) -> str:
    # pytest-django makes (and drops) test_creneau_dashboard from this name.
    return postgres_dsn.rsplit("/", 1)[0] + "/creneau_dashboard"


def test_every_dashboard_count_equals_its_rule_case_by_case_on_postgresql(dashboard_dsn, tmp_path):
    env = {**os.environ, "CRENEAU_DATABASE_URL": dashboard_dsn, "CRENEAU_DATA_DIR": str(tmp_path)}
    chosen = "rule_picks_case_by_case or slots_count_is_exactly or two_thousand_cases"
    module = "tests/desk/test_dashboard.py"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", module, "-k", chosen, "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "3 passed" in run.stdout
