"""The background worker is killed with SIGKILL while it is delivering an application to an agency's
system: after a restart the cut-off attempt is on record, and the agency (the simulator, a real
process) received the event twice with one event id, took it once and answered the repeat the same.

Real processes throughout: gunicorn, the simulator and `db_worker` on a fresh database. The grace
after which a claim counts as a dead worker's is 1 s here (SAHL_OUTBOX_CLAIM_GRACE) instead of 60."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.agency import running_simulator
from tests.e2e.conftest import ROOT, _free_port, _fresh_database, _seed
from tests.e2e.helpers import HttpClient
from tests.e2e.test_sigkill import gunicorn

# CI: both databases; a killed worker: what the database kept is the story (tests/ci_sides.py).
pytestmark = pytest.mark.every_database

SERVICE = "mew.clearance-certificate"
TIMEOUT = 8.0  # the connection's read timeout: longer than the simulator's slow answer
SLOW = 4.0


def rows(env: dict[str, str], var: Path, sql: str, *params: object) -> list[tuple]:
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute(sql.replace("?", "%s"), params).fetchall()
    with sqlite3.connect(var / "sahl.sqlite3") as conn:
        return conn.execute(sql, params).fetchall()


def until(condition, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def worker(manage: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(
            [*manage, "db_worker", "--interval", "0.2", "--no-reload", "--skip-checks"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_a_worker_killed_mid_delivery_is_recorded_and_the_agency_takes_the_application_once(tmp_path):
    with _fresh_database(tmp_path, "killed") as database:
        env = (
            os.environ
            | database
            | {
                "DJANGO_SETTINGS_MODULE": "sahl.settings",
                "SAHL_LOG_LEVEL": "WARNING",
                "SAHL_OUTBOX_CLAIM_GRACE": "1",
            }
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        _seed(tmp_path, env)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "processes.log"
        subprocess.run(
            [*manage, "connect_agency", "--agency", "mew", "--endpoint", "http://127.0.0.1:9/", "--timeout", str(TIMEOUT)],
            env=env, cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with (
            gunicorn(env, port, log),
            running_simulator(
                "mew", base, tmp_path / "mew.json", no_decide=True, slow_seconds=SLOW
            ) as agency,
        ):
            subprocess.run(
                [*manage, "connect_agency", "--agency", "mew", "--endpoint", agency.endpoint, "--timeout", str(TIMEOUT)],
                env=env, cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
            agency.behaviour("slow")  # it holds each delivery SLOW seconds before answering
            reference = (
                HttpClient(base)
                .log_in("father")
                .apply(SERVICE, {"clearance_for": "person", "purpose": "other"})
            )

            # The worker hears of the application, puts it in the outbox and sends it; while the
            # agency holds the request, the worker is killed.
            running = worker(manage, env, log)
            stats = agency.wait_for(lambda s: len(s["events"]) == 1, timeout=60)
            os.killpg(running.pid, signal.SIGKILL)
            running.wait(timeout=10)
            (event_id,) = stats["events"]
            topic = f"application:{reference}"
            (delivery,) = rows(
                env, tmp_path, "SELECT id, state, key FROM outbox_delivery WHERE topic = ?", topic
            )
            assert delivery[1] == "sending"  # claimed; the dead worker recorded nothing
            assert rows(
                env, tmp_path, "SELECT count(*) FROM outbox_attempt WHERE delivery_id = ?", delivery[0]
            ) == [(0,)]
            assert str(delivery[2]).replace("-", "") == event_id.replace("-", "")

            # A restart: once the claim is older than the timeout and the grace, the sweep records
            # the cut-off attempt and the delivery goes again, with the same event id.
            agency.behaviour("ok")
            time.sleep(TIMEOUT + 1.5)
            running = worker(manage, env, log)
            try:
                subprocess.run([*manage, "outbox_sweep"], env=env, cwd=ROOT, check=True, capture_output=True)
                until(
                    lambda: (
                        rows(env, tmp_path, "SELECT state FROM outbox_delivery WHERE id = ?", delivery[0])
                        == [("sent",)]
                    ),
                    60,
                    "the delivery after the restart",
                )
            finally:
                os.killpg(running.pid, signal.SIGTERM)
                running.wait(timeout=15)

            outcomes = rows(
                env,
                tmp_path,
                "SELECT outcome FROM outbox_attempt WHERE delivery_id = ? ORDER BY id",
                delivery[0],
            )
            assert outcomes == [("cut_off",), ("sent",)]
            stats = agency.stats()
            assert stats["events"] == {event_id: 2} and stats["duplicates"] == 1 and stats["accepted"] == 1
            delivered = rows(
                env,
                tmp_path,
                "SELECT count(*) FROM applications_historyevent h JOIN applications_application a "
                "ON a.id = h.application_id WHERE a.reference = ? AND h.kind = 'delivered'",
                reference,
            )
            assert delivered == [(1,)]
