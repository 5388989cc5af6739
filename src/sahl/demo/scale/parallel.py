"""Batches made by worker processes, handed back in order.

A batch of applications depends only on its number and on what every batch reads (the accounts,
the services), so worker processes forked from the loader make them side by side; the loader
writes them in order. At most one batch per worker is waiting at a time, so memory stays flat
whatever the size of the load. The workers never touch the database.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable
from typing import Any

from sahl.demo.scale.writer import Batch

Make = Callable[[int, dict[str, Any]], Batch]
_make: Make | None = None  # what the forked workers call (set before the fork)


def _made(job: tuple[int, dict[str, Any]]) -> Batch:
    assert _make is not None
    return _make(*job).packed()


def _dies_when_told() -> None:
    """A worker ends on SIGTERM whatever handler the loader's process had installed (a task worker
    run in the same process sets one), and leaves Ctrl-C to the loader."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def batches(make: Make, jobs: Iterable[tuple[int, dict[str, Any]]], workers: int) -> Generator[Batch]:
    """`make(done, state)` for each job, in the order of the jobs."""
    global _make
    if workers < 2:
        for done, state in jobs:
            yield make(done, state)
        return
    _make = make
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_dies_when_told)
    waiting: deque[Any] = deque()
    try:
        for job in jobs:
            waiting.append(pool.apply_async(_made, (job,)))
            if len(waiting) > workers:
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()
    finally:
        # A load stopped early (--stop-after, an error) lets the batches already handed out come
        # back and the workers end on their own. Not Pool.terminate(): with a worker midway through
        # handing back a batch larger than a pipe holds, it can wait for ever on the lock that
        # worker holds (the CI once hung so).
        pool.close()
        for pending in waiting:
            pending.wait()
        pool.join()
