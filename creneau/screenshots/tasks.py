"""Readings that run on the worker (``creneau run``, the ``default`` queue)."""

from typing import Any

from django_tasks import task

from creneau.screenshots.bulk import run_import
from creneau.screenshots.reread import read_attempt


@task()
def read_attempt_task(attempt_id: int) -> int:
    """An attempt's screenshots too large to read while the person waited."""
    return len(read_attempt(attempt_id))


@task()
def import_screenshots_task(import_id: str) -> dict[str, Any]:
    """A bulk import; its page polls the progress written on the row."""
    job = run_import(import_id)
    return {"state": job.state, "files": job.steps_total}
