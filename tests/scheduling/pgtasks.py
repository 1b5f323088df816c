"""A cheap task for the multi-worker test: it notes each execution under a unique key."""

import os

from django.db import connection
from django_tasks import task

TABLE = "test_task_executions"


@task(queue_name="attempts")
def count_once(key: int) -> int:
    # A second execution of the same key violates the primary key: the task would fail.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (key, pid) VALUES (%s, %s)", [key, os.getpid()])
    return key
