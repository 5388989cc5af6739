"""Start and stop the servers under test, each in its own process group, and watch their memory.

Every server is started with `start_new_session=True`, so that stopping it means signalling its
whole group (the master and its workers) and nothing else; `stop_all` runs at exit and on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
_running: list[Server] = []


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def pids(self) -> list[int]:
        """The master and its workers, as they are now (workers may be replaced)."""
        try:
            master = psutil.Process(self.process.pid)
            return [master.pid, *(child.pid for child in master.children(recursive=True))]
        except psutil.NoSuchProcess:
            return []

    def workers(self) -> list[int]:
        return self.pids()[1:]

    def rss_bytes(self) -> int:
        """The sum of the resident sets of the master and the workers (pages shared after fork are
        counted once per process, so this overstates what the group really holds)."""
        total = 0
        for pid in self.pids():
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total


def start(
    name: str, command: list[str], port: int, env: dict[str, str], ready_path: str, workers: int = 2
) -> Server:
    log = ROOT / "var" / "bench" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, port, log)
    _running.append(server)
    _wait_ready(server, ready_path, workers)
    return server


def start_process(name: str, command: list[str], env: dict[str, str]) -> Server:
    """A process that serves no HTTP (the task worker), stopped with the others."""
    log = ROOT / "var" / "bench" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, 0, log)
    _running.append(server)
    return server


def _wait_ready(server: Server, path: str, workers: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"bench: {server.name} exited at start; see {server.log}")
        try:
            answered = httpx.get(f"http://127.0.0.1:{server.port}{path}", timeout=2.0).status_code < 500
            # Every worker must be up before the first measurement (the master forks them).
            if answered and len(server.workers()) >= workers:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"bench: {server.name} did not answer {path} within {timeout:.0f} s; see {server.log}")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        try:
            os.killpg(server.process.pid, signal.SIGTERM)
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=5)
        except ProcessLookupError:
            pass
    if server in _running:
        _running.remove(server)


def stop_all() -> None:
    for server in list(_running):
        stop(server)


@dataclass
class MemoryWatch:
    """Samples the server group's RSS sum while a scenario runs (a thread; peak kept)."""

    server: Server
    every: float = 0.25
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_bytes())
            self._stop.wait(self.every)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.peak = max(self.peak, self.server.rss_bytes())
