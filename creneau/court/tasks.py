"""The bundle build runs on the worker (``creneau run``); the page polls its progress."""

from typing import Any

from django_tasks import task

from creneau.court.services import run_build


@task()
def build_bundle_task(build_id: str) -> dict[str, Any]:
    return run_build(build_id)
