"""Two workers on two machines share one PostgreSQL queue: every task runs, and none runs twice.

Real processes on a database of their own (the test's database lives inside a transaction the
workers could not see).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgres"), reason="the shared queue is PostgreSQL's")
TASKS = 300

ENQUEUE = f"""
import django; django.setup()
from django.db import connection
from tests.task_probe import record_run
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE task_probe_runs (number integer NOT NULL, pid integer NOT NULL)")
for number in range({TASKS}):
    record_run.enqueue(number)
"""


@pytest.fixture
def queue_database(tmp_path):
    import psycopg

    parts = urlsplit(URL)
    name = f"sahl_workers_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = os.environ | {
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
        "SAHL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sahl.settings",
        "SAHL_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_workers_run_every_task_once(queue_database):
    import psycopg

    env = queue_database
    subprocess.run([sys.executable, "-c", ENQUEUE], env=env, cwd=ROOT, check=True)
    worker = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--skip-checks",
    ]
    workers = [subprocess.Popen([*worker, "--worker-id", f"w{i}"], env=env, cwd=ROOT) for i in range(2)]
    for process in workers:
        assert process.wait(timeout=120) == 0

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        runs = conn.execute("SELECT number, count(*) FROM task_probe_runs GROUP BY number").fetchall()
        by_worker = conn.execute("SELECT pid, count(*) FROM task_probe_runs GROUP BY pid").fetchall()
        statuses = conn.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
    assert len(runs) == TASKS and all(count == 1 for _, count in runs)  # each ran, none twice
    assert len(by_worker) == 2 and all(count > 0 for _, count in by_worker)  # both really worked
    assert statuses == [("SUCCESSFUL", TASKS)]
