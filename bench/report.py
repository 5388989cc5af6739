"""bench/results/<date>.json (everything measured) and <date>.md (the table), and the ratios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The goals of the performance issue, per scenario: (minimum req/s, maximum p99 in ms, minimum
# ratio to its floor). None: no goal stated for that figure.
TARGETS: dict[str, tuple[int | None, int | None, float | None]] = {
    "home": (1500, None, 0.15),
    "search": (1500, None, 0.15),
    "api_services": (1500, None, 0.25),
    "personal": (800, 100, 0.15),
    "service": (1500, None, 0.15),
    "mine": (800, 100, 0.15),
    "detail": (800, 100, 0.15),
    "api_detail": (800, 100, 0.25),
    "queue": (None, None, 0.15),
    "renewal": (250, 250, 0.05),
    "certificate": (None, None, 0.05),
}
MEMORY_LIMIT = 1024 * 1024 * 1024


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """rps, latency in ms and errors from rotate.lua's JSON for one run."""
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    socket = sum(raw["socket_errors"].values())
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(latency["p50"] / 1000, 1),
        "p95_ms": round(latency["p95"] / 1000, 1),
        "p99_ms": round(latency["p99"] / 1000, 1),
        "max_ms": round(latency["max"] / 1000, 1),
        "errors": raw["unexpected_status"] + socket,
        "unexpected_status": raw["unexpected_status"],
        "socket_errors": raw["socket_errors"],
        "statuses": raw["statuses"],
        "peak_mb": round(raw["peak_rss_bytes"] / 1024 / 1024),
        "load": [raw["load_before"], raw["load_after"]],
    }


def add_ratios(rows: list[dict[str, Any]]) -> None:
    # The floor is measured before Sahl's scenarios and after them; the ratio is to the higher of the
    # two, so that a machine that was busier for one of them does not flatter Sahl.
    floors: dict[str, float] = {}
    for row in rows:
        if row.get("floor_of"):
            floors[row["floor_of"]] = max(floors.get(row["floor_of"], 0.0), row["rps"])
    for row in rows:
        floor = floors.get(row.get("compared_with", ""))
        row["ratio"] = round(row["rps"] / floor, 3) if floor and not row.get("floor_of") else None
        row["goal"] = _goal(row)


def _goal(row: dict[str, Any]) -> str:
    """Which goals the row misses ("" when it meets them all; "-" when it has none)."""
    if row["scenario"] not in TARGETS:
        return "-"
    rps, p99, ratio = TARGETS[row["scenario"]]
    missed = []
    if rps is not None and row["rps"] < rps:
        missed.append(f"rps<{rps}")
    if p99 is not None and row["p99_ms"] >= p99:
        missed.append(f"p99>={p99}")
    if ratio is not None and row["ratio"] is not None and row["ratio"] < ratio:
        missed.append(f"ratio<{ratio}")
    if row["errors"]:
        missed.append("errors")
    if row["peak_mb"] * 1024 * 1024 >= MEMORY_LIMIT:
        missed.append("memory")
    return ", ".join(missed) or "met"


def markdown(result: dict[str, Any]) -> str:
    machine, conf = result["machine"], result["settings"]
    lines = [
        f"# Sahl benchmark, {result['date']}",
        "",
        f"Database `{result['database']['name']}`: {result['database']['summary']}. "
        f"wrk {conf['threads']} threads, {conf['connections']} connections, {conf['warmup']} s warm-up then "
        f"{conf['duration']} s per scenario, 127.0.0.1 only. Sahl: {conf.get('workers', 2)} worker processes "
        f"(uWSGI's HTTP socket as deploy/uwsgi.ini sets it, gunicorn `sync`, gunicorn `gthread` with "
        f"{conf['gthreads']} threads, or granian's WSGI, as the "
        f"server column says); the floor is uvicorn {conf.get('workers', 2)} workers "
        "(uvloop, httptools) on asyncpg.",
        f"Machine: {machine['cpus']} CPUs, shared; load average {machine['load_start']} at the start, "
        f"{machine['load_end']} at the end (the load generator, the servers and PostgreSQL share the "
        "2 cores; anything else running makes the figures lower). "
        f"Cache: {conf.get('cache', 'each process memory')}. "
        f"The whole run took {result['elapsed_seconds'] // 60} min {result['elapsed_seconds'] % 60} s.",
        "",
        "| scenario | server | rps | p50 ms | p95 ms | p99 ms | errors | peak MB | ratio to floor | goals |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in result["rows"]:
        ratio = f"{row['ratio']:.3f}" if row["ratio"] is not None else ""
        lines.append(
            f"| {row['title']} | {row['server']} | {row['rps']:.0f} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['p99_ms']} | {row['errors']} | {row['peak_mb']} | {ratio} | {row['goal']} |"
        )
    for row in result["rows"]:
        if row.get("documents"):
            made = row["documents"]
            lines += [
                "",
                f"Documents of {row['title']} on {row['server']}: {made['issued']} issued, {made['ready']} "
                f"ready, {made['ready_within_5_s']} within 5 s of the submission; delay p50 {made['p50_s']} s, "
                f"p99 {made['p99_s']} s, max {made['max_s']} s.",
            ]
    lines += ["", *(f"- {note}" for note in result["notes"]), ""]
    return "\n".join(lines)


def write(result: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{result['date']}.json"
    md_path = directory / f"{result['date']}.md"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path


def print_ratios(rows: list[dict[str, Any]]) -> None:
    print("\nratio to floor (reads to the read floor, submissions to the insert floor):")
    for row in rows:
        if row["ratio"] is not None:
            print(
                f"  {row['scenario']:<13} {row['server']:<16} {row['rps']:>8.0f} rps  "
                f"p99 {row['p99_ms']:>7} ms  ratio {row['ratio']:.3f}  {row['goal']}"
            )
