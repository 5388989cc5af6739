"""The web server is killed with SIGKILL while 200 submissions are on their way, forty of them in
flight: every submission that got a success answer exists afterwards with its delivery to the agency
on record, and none is duplicated, even when every client sends its submission again with the same
key.

Real gunicorn processes on a fresh PostgreSQL database (SQLite has one writer and no server
process to kill mid-transaction in the same way; CI runs this on PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, _free_port, _fresh_database, _seed
from tests.e2e.helpers import HttpClient, Response, reference_in

SERVICE = "mew.clearance-certificate"  # agency_api, free, no conditions: a delivery per application
# Forty are in flight when the kill lands whatever the total (the clients' threads); more only adds
# refused connections, and work for the worker afterwards (500 took CI over four minutes).
SUBMISSIONS = 200
PEOPLE = ("father", "mother", "expat", "fines", "caseworker")  # password-only logins

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SIGKILL fault test needs PostgreSQL (CI runs it there)",
)


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    command = [sys.executable, "-m", "gunicorn", "sahl.wsgi", "--bind", f"127.0.0.1:{port}"]
    with log.open("a") as out:
        process = subprocess.Popen(
            [*command, "--workers", "2", "--threads", "16"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the workers too
        )
        try:
            for _ in range(150):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"gunicorn did not start; see {log}")
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)


def submit(client: HttpClient, key: str) -> Response | None:
    try:
        return client.post(
            f"/services/{SERVICE}/apply",
            {"idempotency_key": key, "clearance_for": "person", "purpose": "other", "submit": "1"},
        )
    except OSError:  # the server died under this request: no answer
        return None


def work(manage: list[str], env: dict[str, str]) -> None:
    """The background worker, once through what is queued (events, then the deliveries they make:
    the agency's address answers nothing, so they wait to be retried)."""
    subprocess.run(
        [*manage, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--skip-checks"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=600,
    )


def test_sigkill_during_200_submissions_loses_and_duplicates_nothing(tmp_path):
    with _fresh_database(tmp_path, "sigkill") as database:
        env = os.environ | database | {"SAHL_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "sahl.settings"}
        env["SAHL_FILING_RATE"] = "10000 per minute"  # 200 filings by five people, on purpose
        env["SAHL_FILING_SOURCE_RATE"] = "10000 per minute"  # ...all from this machine's address
        manage = [sys.executable, str(ROOT / "manage.py")]
        _seed(tmp_path, env)  # the demo data every browser test starts from
        # MEW connected, to an address where nothing listens: deliveries stay on record, waiting.
        connect = ["connect_agency", "--agency", "mew", "--endpoint", "http://127.0.0.1:9/deliveries"]
        subprocess.run(manage + connect, env=env, check=True, capture_output=True, cwd=ROOT)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "gunicorn.log"
        keys = [uuid.uuid4().hex for _ in range(SUBMISSIONS)]
        answers: dict[str, Response | None] = {}

        with gunicorn(env, port, log) as server:
            people = [HttpClient(base).log_in(key) for key in PEOPLE]
            clients = [people[i % len(people)].clone() for i in range(SUBMISSIONS)]
            done = threading.Event()
            count = 0
            lock = threading.Lock()

            def one(i: int) -> None:
                nonlocal count
                answers[keys[i]] = submit(clients[i], keys[i])
                with lock:
                    count += 1
                    if count == SUBMISSIONS // 5:
                        done.set()

            with ThreadPoolExecutor(max_workers=40) as pool:
                futures = [pool.submit(one, i) for i in range(SUBMISSIONS)]
                assert done.wait(timeout=120), "the first fifth of the submissions did not come back"
                os.killpg(server.pid, signal.SIGKILL)  # mid-flight: forty running, the rest still to send
                for future in futures:
                    future.result(timeout=120)

        acknowledged = {
            key: reference_in(answer.location)
            for key, answer in answers.items()
            if answer is not None and answer.status == 302
        }
        assert SUBMISSIONS // 5 <= len(acknowledged) < SUBMISSIONS, "the kill should land mid-flight"

        # After a restart, every acknowledged submission is there, and once the worker has run what
        # each submission queued with it (its events), with its delivery to the agency on record.
        with gunicorn(env, port, log):
            import psycopg

            work(manage, env)
            with psycopg.connect(database["DATABASE_URL"]) as conn:
                rows = conn.execute(
                    "SELECT a.reference, count(d.id) FROM applications_application a "
                    "JOIN catalogue_service s ON s.id = a.service_id "
                    "LEFT JOIN outbox_delivery d ON d.channel = 'agency' AND d.topic = 'application:' || a.reference "
                    "WHERE s.code = %s GROUP BY a.reference",
                    [SERVICE],
                ).fetchall()
            deliveries = dict(rows)
            assert set(acknowledged.values()) <= set(deliveries), "an acknowledged submission was lost"
            assert all(n == 1 for n in deliveries.values()), "an application has no delivery, or two"
            assert len(deliveries) <= SUBMISSIONS

            # Every client sends again with its own key (as a browser retrying would), forty at a
            # time: the acknowledged ones get their same application, the others get theirs now, once.
            with ThreadPoolExecutor(max_workers=40) as pool:
                resent = pool.map(
                    lambda i: submit(people[i % len(people)].clone(), keys[i]), range(SUBMISSIONS)
                )
                again = dict(zip(keys, resent, strict=True))
            assert all(a is not None and a.status == 302 for a in again.values())
            for key, reference in acknowledged.items():
                answer = again[key]
                assert answer is not None and reference_in(answer.location) == reference
            work(manage, env)
            with psycopg.connect(database["DATABASE_URL"]) as conn:
                (total,) = conn.execute(
                    "SELECT count(*) FROM applications_application a JOIN catalogue_service s "
                    "ON s.id = a.service_id WHERE s.code = %s",
                    [SERVICE],
                ).fetchone()
                (without,) = conn.execute(
                    "SELECT count(*) FROM applications_application a JOIN catalogue_service s "
                    "ON s.id = a.service_id WHERE s.code = %s AND NOT EXISTS "
                    "(SELECT 1 FROM outbox_delivery d WHERE d.topic = 'application:' || a.reference)",
                    [SERVICE],
                ).fetchone()
            assert total == SUBMISSIONS and without == 0
