"""A load stopped early (--stop-after) ends with its worker processes, whatever SIGTERM handler the
loading process holds (a task worker run in the same process installs one). Twice it did not: the
workers ignored the pool's SIGTERM, then Pool.terminate() waited for ever on the lock of a worker
midway through handing back a batch larger than a pipe holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STOPPED_EARLY = """
import signal
signal.signal(signal.SIGTERM, lambda *_: None)  # as django-tasks' db_worker leaves it
from sahl.demo.scale import parallel

class Big:  # a batch larger than a pipe holds, so a worker blocks handing it back
    def packed(self):
        return b"x" * 8_000_000

for _ in range(10):  # a race: Pool.terminate() hung on about one stop in eight
    made = parallel.batches(lambda done, state: Big(), ((i, {}) for i in range(40)), 2)
    next(made)
    made.close()
print("stopped")
"""


def test_a_load_stopped_early_ends_its_workers_even_under_another_sigterm_handler():
    # In a process of its own, bounded: the failure this guards against is a hang.
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_EARLY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "stopped", done.stderr[-2000:]
