"""The database the benchmark runs against: find it, prepare a small one if needed, pick people.

A database that is already there is only read here (and written by Sahl itself under load):
`sahl_bench` may be filled by `manage.py seed_scale` in another terminal at this very moment, so
when it is missing or not ready the benchmark prepares and uses `<name>_small` instead, and never
drops or migrates a database it did not create.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.floor import FLOOR_PREFIX
from bench.scenarios import RENEWAL

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sahl_bench"
OPEN_STATES = ("submitted", "awaiting_payment", "in_review", "action_needed")

# Accounts one logs into with the shared password alone: active, a usable password, no second
# factor (an authenticator app or codes by SMS would ask for a code after the password).
PLAIN_ACCOUNT = """
    u.is_active AND u.password NOT LIKE '!%%'
    AND NOT EXISTS (SELECT 1 FROM mfa_authenticator f WHERE f.user_id = u.id)
    AND NOT EXISTS (SELECT 1 FROM identity_smsfactor s WHERE s.user_id = u.id)
"""
# A synthetic person: neither an operator (is_staff) nor an agency's staff.
PERSON = "NOT u.is_staff AND NOT EXISTS (SELECT 1 FROM identity_staffmembership m WHERE m.user_id = u.id)"


@dataclass(frozen=True)
class Person:
    user_id: int
    civil_id: str


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def name_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def exists(url: str) -> bool:
    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as admin:
        return (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name_of(url),)).fetchone()
            is not None
        )


def readiness(url: str) -> str | None:
    """None when the database has what the scenarios need; otherwise what is missing."""
    try:
        with psycopg.connect(url) as db:
            tables = {r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            if not {"identity_user", "applications_application", "catalogue_service"} <= tables:
                return "not migrated"
            if db.execute("SELECT 1 FROM catalogue_service WHERE code = %s", (RENEWAL,)).fetchone() is None:
                return "no catalogue"
            users = db.execute("SELECT count(*) FROM identity_user").fetchone()
            applications = db.execute("SELECT count(*) FROM applications_application").fetchone()
            caseworkers = db.execute(
                "SELECT count(*) FROM identity_staffmembership WHERE role = 'caseworker'"
            ).fetchone()
    except psycopg.OperationalError as error:
        return f"cannot connect ({error})"
    if not users or users[0] < 500 or not applications or applications[0] < 500:
        return f"only {users and users[0]} accounts and {applications and applications[0]} applications"
    if not caseworkers or caseworkers[0] < 1:
        return "no caseworker"
    return None


def has_seed_scale() -> bool:
    return any(ROOT.glob("src/sahl/*/management/commands/seed_scale.py"))


def prepare_small(url: str, people: int) -> None:
    """migrate + load_catalogue (+ journeys, complaints) + seed_scale, or seed_demo and bench.fallback."""
    name = name_of(url)
    env = os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"), "SAHL_SIMULATORS": "1"}

    def manage(*args: str, check: bool = True) -> bool:
        done = subprocess.run(  # noqa: S603 - our own command line
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, stdout=subprocess.DEVNULL
        )
        return done.returncode == 0

    def fresh() -> None:
        with psycopg.connect(with_name(url, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        manage("migrate", "--noinput", "-v0")
        manage("load_catalogue")
        manage("load_journeys")
        manage("load_complaints")

    print(f"bench: preparing database {name} ({people:,} people); this takes a few minutes", flush=True)
    fresh()
    if has_seed_scale():
        if manage("seed_scale", "--people", str(people), "--applications", str(people * 4), check=False):
            return
        print("bench: seed_scale failed (see above); starting again with seed_demo", flush=True)
        fresh()
    else:
        print("bench: manage.py seed_scale does not exist yet", flush=True)
    print(
        "bench: falling back to seed_demo plus the accounts and applications bench/fallback.py makes "
        "(a smaller, slower-made database; same scenarios)",
        flush=True,
    )
    manage("seed_demo", "--people", str(people), "--complaints", "0")
    subprocess.run([PYTHON, "-m", "bench.fallback"], cwd=ROOT, env=env, check=True)  # noqa: S603


def resolve(url: str, people: int) -> str:
    """The database to use: the one asked for if it is ready, else `<name>_small`, prepared once."""
    problem = readiness(url) if exists(url) else "does not exist"
    if problem is None:
        return url
    small = url if name_of(url).endswith("_small") else with_name(url, name_of(url) + "_small")
    print(f"bench: database {name_of(url)} {problem}; using {name_of(small)} instead", flush=True)
    if small != url and exists(small) and readiness(small) is None:
        return small
    prepare_small(small, people)
    problem = readiness(small)
    if problem is not None:
        sys.exit(f"bench: prepared {name_of(small)} but it is still not ready: {problem}")
    return small


def bring_up_to_date(url: str) -> None:
    """Apply migrations a database prepared earlier has not had: they may build read models for
    every application already there (minutes on the full country, once)."""
    env = os.environ | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"), "SAHL_SIMULATORS": "1"}
    waiting = subprocess.run(  # noqa: S603 - our own command line
        [PYTHON, "manage.py", "migrate", "--plan"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if "No planned migration operations" in waiting.stdout:
        return
    print(f"bench: migrating {name_of(url)}", flush=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603


def analyze_stale(url: str) -> None:
    """ANALYZE the tables autovacuum would have analysed by now (never, or 10 % of their rows
    changed since): this machine's PostgreSQL runs without it, and a read model rebuilt after the
    loader's ANALYZE had no statistics (the queue's read then sorted the agency's every row)."""
    with psycopg.connect(url, autocommit=True) as db:
        stale = [
            name
            for (name,) in db.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup + n_mod_since_analyze > 0 "
                "AND (coalesce(last_analyze, last_autoanalyze) IS NULL "
                "OR n_mod_since_analyze > 50 + 0.1 * n_live_tup) ORDER BY relname"
            )
        ]
        for name in stale:
            db.execute(f'ANALYZE "{name}"')
    if stale:
        print(f"bench: analysed {len(stale)} tables autovacuum would have: {', '.join(stale)}", flush=True)


def tasks_drained(url: str, wait: float) -> tuple[int, float]:
    """Waits (up to `wait` seconds) until no task due now is left for the worker; how many were
    waiting at first, and how long it took."""
    # Not those due later (a reminder to pay, days after a renewal): the worker leaves them be.
    query = (
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'READY' AND (run_after IS NULL OR run_after <= now())"
    )
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(query).fetchone()
        first = row[0] if row else 0
        waiting = first
        while waiting and time.monotonic() - started < wait:
            time.sleep(0.5)
            row = db.execute(query).fetchone()
            waiting = row[0] if row else 0
    return first, time.monotonic() - started


def documents_ready(url: str, service: str, since: dt.datetime, wait: float) -> dict[str, Any]:
    """The documents of `service` filed since `since`: how many, how many were ready within 5 s of
    the submission, and the delays (s). Waits up to `wait` seconds for the worker to catch up."""
    query = """
        SELECT EXTRACT(EPOCH FROM (d.ready_at - a.created_at))
        FROM applications_issueddocument d
        JOIN applications_application a ON a.id = d.application_id
        JOIN catalogue_service s ON s.id = a.service_id
        WHERE s.code = %s AND a.created_at >= %s AND a.reference NOT LIKE %s
    """
    deadline = time.monotonic() + wait
    with psycopg.connect(url, autocommit=True) as db:
        while True:
            delays = [row[0] for row in db.execute(query, (service, since, FLOOR_PREFIX + "%"))]
            waiting = sum(1 for delay in delays if delay is None)
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(1.0)
    ready = sorted(float(delay) for delay in delays if delay is not None)

    def at(share: float) -> float | None:
        return round(ready[min(len(ready) - 1, int(share * len(ready)))], 2) if ready else None

    return {
        "issued": len(delays),
        "ready": len(ready),
        "ready_within_5_s": sum(1 for delay in ready if delay <= 5.0),
        "p50_s": at(0.5),
        "p99_s": at(0.99),
        "max_s": round(ready[-1], 2) if ready else None,
    }


def remove_floor_rows(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DELETE FROM applications_application WHERE reference LIKE %s", (FLOOR_PREFIX + "%",))


def _today() -> dt.date:
    # Sahl's "today" is Kuwait's (UTC+3, no daylight saving); margins below absorb the edges.
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()


def renewable(url: str, limit: int) -> dict[Person, list[str]]:
    """People whose car(s) can be renewed now: expiring within 90 days, insured, no unpaid fine,
    no open renewal for that plate. A person renews a car once: these are used up by the scenario."""
    today = _today()
    query = f"""
        SELECT u.id, u.civil_id, v.plate
        FROM registry_vehicle v
        JOIN registry_person p ON p.id = v.owner_id
        JOIN identity_user u ON u.civil_id = p.civil_id
        WHERE v.registration_expiry BETWEEN %(soon)s AND %(limit)s
          AND v.insurance_expiry > %(soon)s
          AND NOT EXISTS (SELECT 1 FROM registry_trafficfine t WHERE t.vehicle_id = v.id AND t.paid_on IS NULL)
          AND NOT EXISTS (
              SELECT 1 FROM applications_application a JOIN catalogue_service s ON s.id = a.service_id
              WHERE s.code = %(renewal)s AND a.subject_civil_id = u.civil_id
                AND a.state = ANY(%(open)s) AND a.form_data->>'plate_number' = v.plate)
          AND {PERSON} AND {PLAIN_ACCOUNT}
        ORDER BY md5(u.civil_id), v.plate
        LIMIT %(rows)s
    """  # noqa: S608 - constants only; values go as parameters
    params = {
        "soon": today + dt.timedelta(days=2),
        "limit": today + dt.timedelta(days=88),
        "renewal": RENEWAL,
        "open": list(OPEN_STATES),
        "rows": limit,
    }
    found: dict[Person, list[str]] = {}
    with psycopg.connect(url) as db:
        for user_id, civil_id, plate in db.execute(query, params):
            found.setdefault(Person(user_id, civil_id), []).append(plate)
    return found


def served(url: str, nonce: str) -> tuple[int, float]:
    """How many submissions of one wrk run Sahl took, and the seconds from the first to the last (by
    their idempotency keys, bench-<nonce>-..., and the moments Sahl wrote them)."""
    with psycopg.connect(url) as db:
        count, first, last = db.execute(
            "SELECT count(*), min(created_at), max(created_at) FROM idempotency_idempotentrequest"
            " WHERE key LIKE %s",
            (f"bench-{nonce}-%",),
        ).fetchone()  # type: ignore[misc]
    return int(count), (last - first).total_seconds() if count > 1 else 0.0


def with_applications(url: str, limit: int, skip: set[str]) -> list[Person]:
    """Other people with at least one application of their own (for the detail pages)."""
    query = f"""
        SELECT u.id, u.civil_id FROM identity_user u
        WHERE {PERSON} AND {PLAIN_ACCOUNT}
          AND EXISTS (SELECT 1 FROM applications_application a
                      WHERE a.subject_civil_id = u.civil_id AND a.reference NOT LIKE 'fl-%%')
        ORDER BY md5(u.civil_id || 'people')
        LIMIT %s
    """  # noqa: S608 - constants only; values go as parameters
    with psycopg.connect(url) as db:
        rows = db.execute(query, (limit + len(skip),)).fetchall()
    return [Person(r[0], r[1]) for r in rows if r[1] not in skip][:limit]


def caseworkers(url: str, limit: int) -> list[Person]:
    """Caseworkers of the agencies with the most open cases first (their queue has rows to show)."""
    query = f"""
        WITH open_cases AS (
            SELECT agency_id, count(*) AS n FROM applications_application
            WHERE state IN ('in_review', 'action_needed') GROUP BY agency_id)
        SELECT u.id, u.civil_id FROM identity_user u
        JOIN identity_staffmembership m ON m.user_id = u.id AND m.role = 'caseworker'
        LEFT JOIN open_cases o ON o.agency_id = m.agency_id
        WHERE {PLAIN_ACCOUNT}
        ORDER BY coalesce(o.n, 0) DESC, md5(u.civil_id)
        LIMIT %s
    """  # noqa: S608 - constants only; values go as parameters
    with psycopg.connect(url) as db:
        return [Person(r[0], r[1]) for r in db.execute(query, (limit,))]


def people_by_civil_id(url: str, civil_ids: list[str]) -> dict[str, Person]:
    with psycopg.connect(url) as db:
        rows = db.execute("SELECT id, civil_id FROM identity_user WHERE civil_id = ANY(%s)", (civil_ids,))
        return {r[1]: Person(r[0], r[1]) for r in rows}
