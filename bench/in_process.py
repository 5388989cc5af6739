"""A submission's CPU in one process, the task worker's share included (ADR 0073).

    .venv/bin/python -m bench.in_process renewal|certificate [-n 200] [--skip 0] \
        [--database-url URL] [--profile submit|worker]

Logs N people in (Django's test client, no password: `force_login`), has each open the form as a
browser would, files one renewal of a car of theirs or one automatic certificate each, then runs
the task worker (django-tasks' `db_worker` loop, in this process) until nothing is due. Prints the
CPU time of this process per submission for the POSTs and for the worker (PostgreSQL's own CPU is
not in it), and how many tasks the submissions queued. `--profile` writes cProfile's statistics of
one of the two to var/bench/in-process-<part>.prof and prints the top of them.

Renewals use cars that can be renewed now (each once: cancel the renewals filed, or prepare the
database again, to run it again); certificates can be filed again and again (`--skip` takes other
people). Filing limits are lifted as in `make bench`; the cache is the one `SAHL_CACHE_URL` names
(Redis as in production, or the process's memory).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["renewal", "certificate"])
    parser.add_argument("-n", type=int, default=200, help="people, one submission each")
    parser.add_argument("--skip", type=int, default=0, help="people passed over first (certificates)")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/sahl_bench_small",
        help="a bench database",
    )
    parser.add_argument("--profile", choices=["submit", "worker"], default=None)
    return parser.parse_args()


def main() -> None:
    args = parse()
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "sahl.settings",
            "DATABASE_URL": args.database_url,
            "SAHL_REQUIRE_SECOND_FACTOR": "0",
            "SAHL_SIMULATORS": "1",
            "SAHL_LOG_LEVEL": "WARNING",
            "SAHL_FILING_RATE": "100000 per minute",
            "SAHL_FILING_SOURCE_RATE": "100000 per minute",
            "SAHL_ALLOWED_HOSTS": "testserver",
            "SAHL_MEDIA_DIR": str(ROOT / "var" / "bench" / "media"),
        }
    )
    import django

    django.setup()
    from django.test import Client

    from bench import database
    from bench.scenarios import CERTIFICATE, RENEWAL
    from sahl.identity.models import User

    if args.what == "renewal":
        found = database.renewable(args.database_url, (args.n + args.skip) * 10)
        people = [(person, plates[0]) for person, plates in found.items()][args.skip : args.skip + args.n]
        path = f"/services/{RENEWAL}/apply"
    else:
        chosen = database.with_applications(args.database_url, args.n + args.skip, set())[args.skip :]
        people = [(person, "") for person in chosen]
        path = f"/services/{CERTIFICATE}/apply"
    clients = []
    for i, (person, plate) in enumerate(people):
        client = Client(REMOTE_ADDR=f"127.0.{i // 250}.{2 + i % 250}")
        client.force_login(User.objects.get(pk=person.user_id))
        client.get(path)  # the form, as a browser opens it (the person's profile is then kept)
        clients.append((client, plate))

    def submit() -> None:
        for client, plate in clients:
            answers = (
                {"plate_number": plate} if plate else {"certificate_type": "registration", "addressed_to": ""}
            )
            answer = client.post(path, answers | {"idempotency_key": uuid.uuid4().hex})
            if answer.status_code != 302:
                sys.exit(f"bench: a submission answered {answer.status_code}")

    drain()  # what earlier runs left due, so that the worker's figure is these submissions' alone
    before = _ready()
    timed("submit", submit, len(clients), args.profile)
    print(f"tasks queued: {_ready() - before}")
    timed("worker", drain, len(clients), args.profile)


def drain() -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-in-process",
        excluded_queue_names=[],
    ).run()


def _ready() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def timed(part: str, work: Callable[[], Any], count: int, profile: str | None) -> None:
    profiler = cProfile.Profile(time.process_time) if profile == part else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    work()
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{part}: {count} in {wall:.2f} s, {1000 * cpu / max(count, 1):.1f} ms of CPU each")
    if profiler:
        out = ROOT / "var" / "bench" / f"in-process-{part}.prof"
        out.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(out)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
