"""Run wrk for one scenario: a short warm-up whose numbers are thrown away, then the measured run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import Scenario
from bench.servers import MemoryWatch, Server

LUA = Path(__file__).resolve().parent / "scenarios" / "rotate.lua"


@dataclass(frozen=True)
class Settings:
    threads: int = 2
    connections: int = 16
    duration: int = 15  # seconds measured per scenario
    warmup: int = 3  # seconds thrown away first: the workers' caches, connections, compiled templates
    # Seconds: a slower answer is a wrk timeout error and left out of the latencies; long, so that
    # slow scenarios (a PDF issued in the request) still get their latencies measured.
    timeout: int = 30


def ensure_wrk() -> str:
    """wrk from Debian, installed as .ci/run installs chromium: quietly, updating the lists once."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: installing Debian's wrk (apt-get install wrk)", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True)  # noqa: S607
        subprocess.run(install, env=env, capture_output=True, check=True)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        sys.exit("bench: wrk is missing and apt-get could not install it")
    return found


def run(
    wrk: str, scenario: Scenario, server: Server, data: Path, warmup_data: Path | None, settings: Settings
) -> dict[str, object]:
    """Warm up, then measure; the result is wrk's summary plus the server's peak memory."""
    out = data.with_suffix(".json")
    if settings.warmup and warmup_data is not None:
        _wrk(wrk, scenario, server, warmup_data, settings, settings.warmup, out)
    load_before = os.getloadavg()
    with MemoryWatch(server) as memory:
        nonce = _wrk(wrk, scenario, server, data, settings, settings.duration, out)
    result: dict[str, object] = json.loads(out.read_text())
    result["nonce"] = nonce  # the measured run's idempotency keys are bench-<nonce>-...
    result["peak_rss_bytes"] = memory.peak
    result["load_before"] = [round(x, 2) for x in load_before]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _wrk(
    wrk: str, scenario: Scenario, server: Server, data: Path, settings: Settings, seconds: int, out: Path
) -> str:
    """One run of wrk; the nonce its idempotency keys carry."""
    out.unlink(missing_ok=True)
    nonce = f"{int(time.time() * 1000):x}"
    env = os.environ | {
        "BENCH_DATA": str(data),
        "BENCH_METHOD": scenario.method,
        "BENCH_PATH": scenario.path,
        "BENCH_COOKIE": scenario.cookie,
        "BENCH_BODY": scenario.body,
        "BENCH_EXPECT": scenario.expect,
        "BENCH_ONCE": "1" if scenario.once else "0",
        "BENCH_THREADS": str(settings.threads),
        "BENCH_NONCE": nonce,
        "BENCH_OUT": str(out),
    }
    command = [
        wrk,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        f"--timeout={settings.timeout}s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{server.port}",
    ]
    # Bounded twice: wrk's own -d, and a hard limit here in case it hangs.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 30)  # noqa: S603
    if done.returncode != 0 or not out.exists():
        sys.exit(f"bench: wrk failed for {scenario.name}:\n{done.stdout}\n{done.stderr}")
    return nonce
