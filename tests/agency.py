"""Starting the agency simulator (a real process, `manage.py run_agency_simulator`) from tests.

    with running_simulator("mew", sahl_url, credentials_path, decide_after=0.2) as sim:
        sim.endpoint                       # http://127.0.0.1:<port>/deliveries, for connect_agency
        sim.behaviour("unavailable")       # every application; ("refuse422", ["2026-0000007"]) just those
        sim.stats()["events"]              # {event_id: arrivals}
        sim.wait_for(lambda s: s["accepted"] >= 3, timeout=30)

Keyword options become command-line flags (`skip_signature_check=True` -> `--skip-signature-check`,
`state=path`, `keys=jwks_file`, `slow_seconds=1`, `no_decide=True`...). The simulator listens on a
free port of 127.0.0.1 that it picks itself, so parallel tests never race for one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


class Simulator:
    """A running simulator: its addresses, its log, and a tiny client for /_sim/*."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path, port: int) -> None:
        self.process, self.log_path, self.port = process, log_path, port
        self.url = f"http://127.0.0.1:{port}"
        self.endpoint = f"{self.url}/deliveries"

    def stats(self) -> dict[str, Any]:
        """{"events": {event_id: arrivals}, "accepted", "pending", "rejected", "duplicates", "refused",
        "failed", "bad_signatures", "answers": {event_id: {"application", "http_status", "body"}}, "decisions": {reference: what was
        reported}, "reports_waiting", "behaviour"}"""
        return dict(httpx.get(f"{self.url}/_sim/stats", timeout=5).raise_for_status().json())

    def events(self) -> dict[str, int]:
        return dict(self.stats()["events"])

    def behaviour(
        self, mode: str | None = None, for_references: list[str] | None = None, **changes: Any
    ) -> dict[str, Any]:
        """Change what it does: a mode for every application, or (with for_references) for those only
        ("ok" puts them back); also slow_seconds=, decide_after=, decide=, clear_references=True."""
        body: dict[str, Any] = dict(changes)
        if mode is not None:
            body["mode"] = mode
        if for_references is not None:
            body["for_references"] = for_references
        return dict(httpx.post(f"{self.url}/_sim/behaviour", json=body, timeout=5).raise_for_status().json())

    def reset(self) -> None:
        """Forget the events, answers and decisions seen so far (reference numbers go on)."""
        httpx.post(f"{self.url}/_sim/reset", timeout=5).raise_for_status()

    def wait_for(self, condition: Callable[[dict[str, Any]], Any], timeout: float = 30) -> dict[str, Any]:
        """Poll the stats until condition(stats) holds; they are returned (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if condition(stats):
                return stats
            if time.monotonic() > deadline:
                raise AssertionError(f"the simulator's stats did not get there in {timeout} s: {stats}")
            time.sleep(0.1)

    def log(self) -> list[dict[str, Any]]:
        """Its JSON log lines so far."""
        lines = [json.loads(line) for line in self.log_path.read_text().splitlines() if line.startswith("{")]
        return [line for line in lines if "event" in line]

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then wait; its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def _flags(options: Mapping[str, Any]) -> list[str]:
    flags = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            flags.append(flag)
        elif value is not None and value is not False:
            flags += [flag, str(value)]
    return flags


def start_simulator(
    agency: str,
    sahl_url: str,
    credentials_path: str | Path,
    *,
    log_path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    port: int = 0,
    **options: Any,
) -> Simulator:
    """Start it and wait until it listens (see `running_simulator`); stop it with `.stop()`."""
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix=f"agency-sim-{agency}-", suffix=".log")[1])
    log_path = Path(log_path)
    options.setdefault("decide_after", 0.2)
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "run_agency_simulator",
        *_flags({"agency": agency, "port": port, "sahl": sahl_url, "credentials": credentials_path}),
        *_flags(options),
    ]
    environment = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "sahl.settings"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in log_path.read_text().splitlines():
            if '"event": "listening"' in line:
                return Simulator(process, log_path, int(json.loads(line)["port"]))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise AssertionError(f"the agency simulator did not start:\n{log_path.read_text()[-2000:]}")


@contextmanager
def running_simulator(
    agency: str, sahl_url: str, credentials_path: str | Path, **options: Any
) -> Iterator[Simulator]:
    """A simulator for `agency` that talks to Sahl at `sahl_url` with the client credentials in
    `credentials_path` (read when it first needs a token, so the file may be written after the
    start); stopped on leaving. Options: see the module's docstring and start_simulator."""
    simulator = start_simulator(agency, sahl_url, credentials_path, **options)
    try:
        yield simulator
    finally:
        simulator.stop()
