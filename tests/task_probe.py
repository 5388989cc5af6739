"""A task that only records who ran it: the two-worker test enqueues many and counts the runs."""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tasks import task


@task()
def record_run(number: int) -> int:
    time.sleep(0.01)  # long enough that both workers get a share
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO task_probe_runs (number, pid) VALUES (%s, %s)", [number, os.getpid()])
    return number
