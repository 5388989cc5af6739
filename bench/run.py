"""`make bench`: Sahl as in production (uWSGI, 2 workers, DEBUG off, PostgreSQL) driven by wrk,
with a framework-free asyncpg floor measured the same way in the same run.

    .venv/bin/python -m bench.run [--database-url URL] [--worker-class uwsgi|sync|gthread|granian,...] ...

Steps: find or prepare the database (bench.database); start the server; log synthetic people and
caseworkers in over HTTP and collect one application reference per person (bench.sessions);
for each scenario (bench.scenarios) a warm-up then a measured wrk run, sampling the server's
memory; the same for each worker class; then the floor (bench.floor) under uvicorn; finally
bench/results/<date>.json and .md (bench.report). Every server runs in its own process group
and is stopped on exit, on an error and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg

from bench import database, load, report, servers, sessions
from bench.scenarios import FLOOR, SAHL, SEARCHES, Scenario
from bench.servers import BIN, ROOT, Server

WORK = ROOT / "var" / "bench"
GTHREADS = 8  # threads per gthread worker, as the README's production command


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", database.DEFAULT_URL))
    parser.add_argument(
        "--worker-class",
        default="uwsgi",
        help="comma-separated: uwsgi (production's, ADR 0067), sync, gthread (gunicorn's), granian",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes of Sahl's server and of the floor alike (ratios compare equal numbers)",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/2"),
        help="the shared cache as in production (emptied first); 'none' runs without one",
    )
    parser.add_argument("--port", type=int, default=8731, help="Sahl's first port (then floor, then gthread)")
    parser.add_argument("--people", type=int, default=200, help="people logged in for the read scenarios")
    parser.add_argument(
        "--renewal-cars", type=int, default=600, help="renewable cars, at least (all classes)"
    )
    parser.add_argument(
        "--renewal-people", type=int, default=400, help="people with renewable cars logged in"
    )
    parser.add_argument("--caseworkers", type=int, default=10)
    parser.add_argument("--small-people", type=int, default=60000, help="size of a database prepared here")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--profile", default="", help="py-spy record one worker during these scenarios")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args()


def sahl_env(url: str, port: int, cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHL_")}  # no DEBUG, no test hashers
    return (
        env
        | ({"SAHL_CACHE_URL": cache} if cache else {})
        | {
            "DATABASE_URL": url,
            # Synthetic people have no second factor; behind HTTPS production would require one.
            "SAHL_REQUIRE_SECOND_FACTOR": "0",
            "SAHL_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "SAHL_KNET_URL": f"http://127.0.0.1:{port}/sim/knet",
            "SAHL_SIMULATORS": "1",  # the simulated payment gateway the payment scenario pays at
            "SAHL_MEDIA_DIR": str(WORK / "media"),  # the certificates' PDFs, apart from `make run`'s
            "SAHL_LOG_LEVEL": "INFO",  # production's level: one access line per request, to the log file
            # The load files hundreds of applications as each of a few hundred people: the filing
            # throttle is still counted on every submission, only its ceiling is out of the way.
            "SAHL_FILING_RATE": "100000 per minute",
            "SAHL_FILING_SOURCE_RATE": "100000 per minute",  # every simulated person files from here
            "PYTHONPATH": str(ROOT / "src"),
        }
    )


def collect_static(url: str, port: int, cache: str) -> None:
    """As a deployment does (and make run): hashed, gzip-compressed copies under var/static."""
    command = [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env=sahl_env(url, port, cache), check=True)  # noqa: S603


def check_static(base: str) -> str:
    """What the stylesheet linked from the home page is served with: compressed? cached how long?"""
    page = httpx.get(base + "/", timeout=30.0).text
    found = re.search(r'href="(/static/[^"]+\.css)"', page)
    if not found:
        return "no stylesheet link found on the home page"
    answer = httpx.get(base + found.group(1), headers={"Accept-Encoding": "gzip, br"}, timeout=30.0)
    return (
        f"static {found.group(1)}: {answer.status_code}, Content-Encoding "
        f"{answer.headers.get('content-encoding', 'none')}, Cache-Control {answer.headers.get('cache-control')}"
    )


SERVERS = ("sync", "gthread", "granian", "uwsgi")


def start_sahl(worker_class: str, url: str, port: int, cache: str, workers: int) -> Server:
    if worker_class == "granian":  # a Rust HTTP server calling the WSGI app; keeps connections alive
        command = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers), "--no-ws", "sahl.wsgi:application"]
        return servers.start("sahl-granian", command, port, sahl_env(url, port, cache), "/health", workers)
    if worker_class == "uwsgi":  # production's server (ADR 0067): deploy/uwsgi.ini, as operators start it
        command = [str(BIN / "uwsgi"), "--ini", str(ROOT / "deploy" / "uwsgi.ini")]
        command += ["--http-socket", f"127.0.0.1:{port}", "--processes", str(workers)]
        return servers.start("sahl-uwsgi", command, port, sahl_env(url, port, cache), "/health", workers)
    command = [str(BIN / "gunicorn"), "sahl.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--worker-class", worker_class]
    if worker_class == "gthread":
        command += ["--threads", str(GTHREADS)]
    env = sahl_env(url, port, cache)
    return servers.start(f"sahl-{worker_class}", command, port, env, "/health", workers)


DOCUMENT_WAIT = 120.0  # seconds the run waits, after a scenario, for the worker to finish its documents


def start_worker(url: str, port: int, cache: str) -> Server:
    """One task worker (`db_worker`), as a deployment runs it beside the web servers."""
    command = [str(BIN / "python"), "manage.py", "db_worker", "--queue-name", "default", "--no-reload"]
    return servers.start_process("worker", command, sahl_env(url, port, cache))


def start_floor(url: str, port: int, workers: int) -> Server:
    command = [str(BIN / "uvicorn"), "bench.floor:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log"]
    command += ["--log-level", "warning"]
    env = dict(os.environ) | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "SAHL_SIMULATORS": "1"}
    return servers.start("floor", command, port, env, "/health", workers)


def write_records(name: str, rows: Iterable[Iterable[object]]) -> Path:
    path = WORK / "data" / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(str(field) for field in row) for row in rows]
    if not lines:
        sys.exit(f"bench: no records for {name}")
    path.write_text("\n".join(lines) + "\n")
    return path


def split_for_warmup(rows: list[Any], threads: int) -> tuple[list[Any], list[Any]]:
    """Records that can be sent only once: a few for the warm-up, the rest measured."""
    warm = max(threads * 4, len(rows) // 8)
    return rows[:warm], rows[warm:]


def log_everyone(base: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Logins over HTTP, then the records every scenario needs. A login is one Argon2 check at
    production cost (0.3-1 s of CPU here), so sessions of an earlier run that still work are
    reused, and new logins go first to people with a renewable car: they serve the read scenarios
    too, and the renewal needs fresh cars every run (a car is renewed once)."""
    started = time.monotonic()
    cache = WORK / f"sessions-{database.name_of(url)}.json"
    known = sessions.load_cached(cache, base)
    renewable = database.renewable(url, (args.people + args.renewal_cars) * 3)
    cars = sum(len(plates) for p, plates in renewable.items() if p.civil_id in known)
    wanted: list[database.Person] = []
    for person, plates in renewable.items():
        if cars >= args.renewal_cars and len(known) + len(wanted) >= args.people:
            break
        if person.civil_id not in known:
            wanted.append(person)
            cars += len(plates)
    if len(known) + len(wanted) < args.people:
        skip = set(known) | {p.civil_id for p in wanted}
        wanted += database.with_applications(url, args.people - len(known) - len(wanted), skip)
    staff = database.caseworkers(url, args.caseworkers)
    password = os.environ.get("SAHL_DEMO_PASSWORD", "sahl-demo-2026")  # tests/conftest.py DEMO_PASSWORD
    print(
        f"bench: {len(known)} sessions of an earlier run still work; logging in {len(wanted)} people and "
        f"{len(staff)} caseworkers over HTTP",
        flush=True,
    )
    # One call, so that every login comes from its own share of the loopback addresses (allauth
    # allows 30 a minute from one address, counted across processes in the shared cache).
    everyone = sessions.log_in_all(base, [p.civil_id for p in [*wanted, *staff]], password)
    staff_ids = {p.civil_id for p in staff}
    fresh = [s for s in everyone if s.civil_id not in staff_ids]
    workers = [s for s in everyone if s.civil_id in staff_ids]
    found = {s.civil_id: (s, ref) for s in fresh if (ref := sessions.first_reference(base, s))} | known
    sessions.save(cache, [s for s, _ in found.values()][: 2 * args.people])  # fresh ones first
    logged = {civil_id: s for civil_id, (s, _) in found.items()}
    by_id = database.people_by_civil_id(url, list(found))
    details = list(found.values())[: args.people]
    renewals = [
        (logged[p.civil_id].cookie, plate, logged[p.civil_id].csrf)
        for p, plates in renewable.items()
        if p.civil_id in logged
        for plate in plates
    ]
    print(
        f"bench: {len(logged)} people and {len(workers)} caseworkers logged in, {len(details)} with an "
        f"application, {len(renewals)} renewable cars ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    if not details or not workers:
        sys.exit("bench: nobody to measure with (see the log lines above)")
    return {
        "anonymous": [["-"]],
        "searches": [[quote(q)] for q in SEARCHES],
        "people": [[s.cookie] for s, _ in details],
        "details": [[s.cookie, ref] for s, ref in details],
        "certificates": [[s.cookie, s.csrf] for s, _ in details],
        "caseworkers": [[s.cookie] for s in workers],
        "renewals": renewals,
        "floor_reads": [[ref, s.civil_id] for s, ref in details],
        "floor_inserts": [[by_id[s.civil_id].user_id, s.civil_id] for s, _ in details],
        "logins_seconds": round(time.monotonic() - started, 1),
    }


def measure(
    wrk: str,
    scenario: Scenario,
    server: Server,
    rows: list[Any],
    settings: load.Settings,
    profile: bool,
    url: str = "",
) -> dict[str, Any]:
    warm, measured = split_for_warmup(rows, settings.threads) if scenario.once else (rows, rows)
    if scenario.once and len(measured) < settings.threads * 2:
        print(f"bench: {scenario.name}: too few records ({len(rows)}), skipped")
        return {}
    data = write_records(f"{scenario.name}-{server.name}", measured)
    warm_data = write_records(f"{scenario.name}-{server.name}-warm", warm)
    spy = _profile(server, scenario, settings) if profile else None
    raw = load.run(wrk, scenario, server, data, warm_data, settings)
    if spy is not None:
        spy.wait(timeout=settings.duration + settings.warmup + 30)
    row = report.summarise(raw) | {
        "scenario": scenario.name,
        "title": scenario.title,
        "server": server.name,
        "records": len(measured),
    }
    if scenario.once and url:
        row |= _served_rate(url, raw, row)
    print(
        f"  {scenario.name:<13} {server.name:<14} {row['rps']:>8.1f} rps  p50 {row['p50_ms']:>6} "
        f"p99 {row['p99_ms']:>7} ms  errors {row['errors']:>4}  {row['peak_mb']:>4} MB  {row['statuses']}",
        flush=True,
    )
    return row


def open_forms(port: int, scenario: Scenario, pool: list[Any]) -> None:
    """Each person's form, once, as their browser opens it before they submit (not measured)."""
    cookies = list(dict.fromkeys(record[0] for record in pool))
    started = time.monotonic()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client:
        statuses = collections.Counter(
            client.get(scenario.form, headers={"Cookie": cookie}).status_code for cookie in cookies
        )
    print(
        f"  {scenario.name:<13} forms opened first: {len(cookies)} in {time.monotonic() - started:.1f} s "
        f"{dict(statuses)}",
        flush=True,
    )


def _served_rate(url: str, raw: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A scenario whose records are sent once runs out of them, often well before its duration
    (each wrk thread then replays its last request), but wrk divides by the whole duration: its
    rate would be the number of records (about 35 a second for 525 cars), not the server's. The
    server's rate is the submissions it took over the seconds from its first to its last (the
    idempotency keys' moments)."""
    count, seconds = database.served(url, str(raw["nonce"]))
    if count < 2 or seconds <= 0:
        return {}
    served = {"requests": count, "seconds": round(seconds, 2)}
    return {"rps_wrk": row["rps"], "rps": round((count - 1) / seconds, 1), "served": served}


def _profile(server: Server, scenario: Scenario, settings: load.Settings) -> subprocess.Popen[bytes] | None:
    """py-spy record of one worker for the measured part (it starts after the warm-up)."""
    out = WORK / f"profile-{scenario.name}-{server.name}.txt"
    worker = server.workers()[0]
    command = [str(BIN / "py-spy"), "record", "--pid", str(worker), "--format", "raw", "--output", str(out)]
    command += ["--duration", str(settings.duration), "--rate", "200", "--nonblocking"]
    print(f"bench: py-spy record on worker {worker} -> {out}", flush=True)
    # Wait out the warm-up in a shell so that sampling covers the measured run only.
    wait_then = ["sh", "-c", f'sleep {settings.warmup}; exec "$@"', "py-spy", *command]
    return subprocess.Popen(wait_then, stdout=subprocess.DEVNULL)  # noqa: S603


def describe(url: str) -> str:
    with psycopg.connect(url) as db:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608
            for table in ("registry_person", "identity_user", "applications_application")
        }
    return (
        f"{counts['registry_person']:,} people, {counts['identity_user']:,} accounts, "
        f"{counts['applications_application']:,} applications"
    )


def shared_cache(url: str) -> str:
    """Production's shared cache (Redis), emptied so that every run starts cold; "" without one."""
    if url == "none":
        return ""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        print(f"bench: no Redis at {url}: measuring with each process's own memory cache", flush=True)
        return ""
    return url


def main() -> None:
    started = time.monotonic()
    args = parse()
    cache = shared_cache(args.cache_url)
    wrk = load.ensure_wrk()
    settings = load.Settings(args.threads, args.connections, args.duration, args.warmup)
    wanted = set(filter(None, args.only.split(","))) or {s.name for s in SAHL + FLOOR}
    (WORK / "data").mkdir(parents=True, exist_ok=True)
    for log in WORK.glob("*.log"):
        log.unlink()
    url = database.resolve(args.database_url, args.small_people)
    database.bring_up_to_date(url)
    database.analyze_stale(url)
    database.remove_floor_rows(url)  # left by an interrupted run
    load_start = [round(x, 2) for x in os.getloadavg()]
    classes = args.worker_class.split(",")
    if unknown := set(classes) - set(SERVERS):
        raise SystemExit(
            f"bench: unknown --worker-class {', '.join(sorted(unknown))} (one of {', '.join(SERVERS)})"
        )
    collect_static(url, args.port, cache)
    rows: list[dict[str, Any]] = []
    # Both worker classes are up at once (an idle server costs nothing) and each scenario runs on
    # one then the other, so that the load other people put on the machine hits both alike.
    running = {c: start_sahl(c, url, args.port + 2 * i, cache, args.workers) for i, c in enumerate(classes)}
    base = f"http://127.0.0.1:{running[classes[0]].port}"
    static = check_static(base)
    print(f"bench: {static}", flush=True)
    records = log_everyone(base, url, args)  # sessions live in the database: both servers use them
    rows += measure_floor(wrk, url, args, records, wanted, settings, "before")
    skipped: list[str] = []
    for scenario in SAHL:
        if scenario.name not in wanted:
            continue
        # The certificate's PDF is made by the task worker (issue 18): it runs beside the servers,
        # on the same 2 cores, and the row says how soon each document was ready.
        worker = start_worker(url, running[classes[0]].port, cache) if scenario.documents else None
        if worker is not None:
            # A deployment's worker runs all along; this one starts now, so it first does what the
            # earlier scenarios left queued (a renewal's handlings), or the first documents would
            # wait behind thousands of other tasks.
            waiting, seconds = database.tasks_drained(url, TASKS_DRAINED_WITHIN)
            print(
                f"  {scenario.name:<13} worker first did the {waiting:,} tasks waiting ({seconds:.0f} s)",
                flush=True,
            )
        for number, worker_class in enumerate(classes):
            pool = records[scenario.records]
            if scenario.once:  # each class gets its own renewals: a car is renewed once
                pool = pool[number :: len(classes)]
            spy = scenario.name in args.profile.split(",") and number == len(classes) - 1
            if scenario.form:
                open_forms(running[worker_class].port, scenario, pool)
            since = dt.datetime.now(dt.UTC)
            row = measure(wrk, scenario, running[worker_class], pool, settings, spy, url)
            if row and scenario.documents:
                row["documents"] = database.documents_ready(url, scenario.documents, since, DOCUMENT_WAIT)
                print(f"  {scenario.name:<13} documents: {row['documents']}", flush=True)
            if row:
                rows.append(row | {"compared_with": scenario.floor, "worker_class": worker_class})
            else:  # said in the report, not only on the console: a missing row reads as forgotten
                skipped.append(
                    f"{scenario.title} on {worker_class}: not run, {len(pool)} records left (a car is "
                    "renewed once: drop the bench database to prepare it afresh with new cars)"
                    if scenario.once
                    else f"{scenario.title} on {worker_class}: not run, {len(pool)} records"
                )
        if worker is not None:
            servers.stop(worker)
    for server in running.values():
        servers.stop(server)
    rows += measure_floor(wrk, url, args, records, wanted, settings, "after")
    report.add_ratios(rows)
    result = {
        "date": dt.date.today().isoformat(),
        "finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "elapsed_seconds": round(time.monotonic() - started),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_start": load_start,
            "load_end": [round(x, 2) for x in os.getloadavg()],
        },
        "database": {"name": database.name_of(url), "summary": describe(url)},
        "settings": {
            "threads": settings.threads,
            "connections": settings.connections,
            "duration": settings.duration,
            "warmup": settings.warmup,
            "gthreads": GTHREADS,
            "workers": args.workers,
            "cache": cache or "each process's memory",
            "logins_seconds": records.get("logins_seconds"),
        },
        "notes": [*skipped, *NOTES, static.capitalize()],
        "rows": rows,
    }
    json_path, md_path = report.write(result, args.results)
    report.print_ratios(rows)
    print(f"\nbench: wrote {json_path} and {md_path}")


def measure_floor(
    wrk: str,
    url: str,
    args: argparse.Namespace,
    records: dict[str, Any],
    wanted: set[str],
    settings: load.Settings,
    when: str,
) -> list[dict[str, Any]]:
    """The floor's scenarios, before Sahl's (its servers idle) or after them (stopped): the machine is
    shared, and its speed has moved by a third within an hour."""
    if not any(scenario.name in wanted for scenario in FLOOR):
        return []
    floor = start_floor(url, args.port + 1, args.workers)
    rows = []
    for scenario in FLOOR:
        if scenario.name in wanted:
            row = measure(wrk, scenario, floor, records[scenario.records], settings, False)
            rows.append(row | {"floor_of": scenario.floor, "server": f"floor, {when} Sahl's"})
            database.remove_floor_rows(url)
    servers.stop(floor)
    return rows


TASKS_DRAINED_WITHIN = 600.0  # seconds the worker may take for what earlier scenarios queued

NOTES = [
    "The floor is measured before Sahl's scenarios and again after them; each ratio is to the higher "
    "of the two (the machine is shared: its speed moved by a third within an hour on 2026-12-07).",
    "Requests rotate through the logged-in people: each request carries another person's session.",
    "renewal: POST of the renewal form (client-made idempotency key, CSRF token of the session); the "
    "10 KWD fee leaves it awaiting payment (payment is a separate step at the gateway, not measured). "
    "Each person and car can be renewed once, so it runs until the logged-in cars are used up, often "
    "sooner than the full duration (each wrk thread then replays its last renewal, answered as a "
    "replay): its rate is the server's, the renewals it took over the seconds from the first to the "
    "last (their idempotency keys' moments; `served` in the JSON). wrk divides by the whole "
    "duration (`rps_wrk`): until 2026-12-07 that was the reported rate, the number of cars over "
    "15 s (about 34 a second) whatever the server's speed, and wrk stopped a thread whose records "
    "ran out, leaving its connections silent and the sync workers waiting on them.",
    "certificate: POST of pifss.social-security-certificate, automatic and free: approved and "
    "completed in the request; its PDF is made by one task worker running beside the servers "
    "(`documents`: how many were issued in the scenario, how many were ready within 5 s of the "
    "submission, and the delays' median, p99 and maximum).",
    "Errors: statuses other than the expected one (200; 302 for submissions; 201 for the insert "
    "floor), plus wrk's socket errors. Peak MB: RSS sum of the master and workers (pages shared after "
    "fork counted in each), sampled every 0.25 s.",
    "The task worker runs during the certificate scenario only (queued messages wait otherwise). It "
    "starts just before it and first does every task the earlier scenarios left (the renewals' "
    "handlings, some thousands), as a deployment's worker running all along would have: until "
    "2026-12-07 (night) the first certificates' documents waited behind them.",
    "Before each submission scenario every person in it opens the form once, as a browser does before "
    "a submission, not measured (since 2026-12-07, night): the register profile Sahl keeps for a "
    "minute between a person's form and their submission is then there, as it is for anyone who "
    "submits. Before, the renewal's POST came ten minutes after the logins and rebuilt the profile "
    "(8 reads) in each submission.",
    "Floor rows: inserted as withdrawn applications with references fl-..., deleted after the scenario.",
]


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Ctrl-C and kill both end in the finally below; SIGINT is set explicitly because a shell that
    # starts us in the background makes us inherit "ignore SIGINT".
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        main()
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
    finally:
        servers.stop_all()
