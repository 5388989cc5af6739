"""A progress bar for long loads: done/total, rate and time left.

On a terminal it redraws one line (at most a few times a second); in a log (not a terminal) it
writes a line every `every` seconds and at the end, so that a load run under nohup stays readable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Write = Callable[[str], None]


def clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Meter:
    WIDTH = 24

    def __init__(
        self,
        label: str,
        total: int,
        write: Write,
        *,
        done: int = 0,
        terminal: bool = False,
        every: float = 15.0,
        unit: str = "rows",
    ) -> None:
        self.label, self.total, self.done, self.unit = label, max(total, 1), done, unit
        self.write, self.terminal, self.every = write, terminal, every
        self.started, self.start_done = time.monotonic(), done
        self._shown = 0.0
        self._shown_done = -1
        self._lock = threading.Lock()  # the loader's writer thread advances it

    def advance(self, count: int) -> None:
        with self._lock:
            self.done += count
            moment = time.monotonic()
            if moment - self._shown >= (0.2 if self.terminal else self.every):
                self._shown = moment
                self._show(final=False)

    def close(self) -> None:
        with self._lock:
            if self.terminal or self._shown_done != self.done:
                self._show(final=True)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = (self.done - self.start_done) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = min(1.0, self.done / self.total)
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return (
            f"{self.label:<13} [{bar}] {share:6.1%} {self.done:,}/{self.total:,} {self.unit}"
            f"  {rate:,.0f}/s  elapsed {clock(elapsed)}  left {clock(left)}"
        )

    def _show(self, final: bool) -> None:
        self._shown_done = self.done
        if self.terminal:
            self.write("\r" + self.line() + ("\n" if final else ""))
        else:
            self.write(self.line() + "\n")
