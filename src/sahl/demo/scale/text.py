"""Values in PostgreSQL's COPY text format, made fast: times are epoch seconds written through
caches, and the strings the generators use are checked once for characters COPY would need
escaped (tab, newline, carriage return, backslash), instead of escaping every field."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

NULL = "\\N"
TRUE, FALSE = "t", "f"
DAY = 86400
_EPOCH = dt.date(1970, 1, 1)
_SPECIAL = ("\t", "\n", "\r", "\\")


def between(rng: random.Random, low: int, high: int) -> int:
    """`rng.randint(low, high)`, several times faster (the loads call it hundreds of millions of times)."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """`rng.choice(items)`, faster."""
    return items[int(rng.random() * len(items))]


def flag(value: bool) -> str:
    return TRUE if value else FALSE


def plain(text: str) -> str:
    """`text` as it goes into a COPY row; refuses what would need escaping."""
    if any(c in text for c in _SPECIAL):
        raise ValueError(f"not a plain COPY value: {text!r}")
    return text


def escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Times:
    """Epoch seconds to `timestamptz` (UTC) and to local dates, for a zone without summer time
    (Kuwait is UTC+3 all year)."""

    FIRST_DAY = -25567  # 1900-01-01; the days from then to 2100 are written once

    def __init__(self, utc_offset: int) -> None:
        self.offset = utc_offset
        self._days = [(_EPOCH + dt.timedelta(days=n)).isoformat() for n in range(self.FIRST_DAY, 47482)]
        self._clock = [
            f" {h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)
        ]

    def at(self, seconds: int) -> str:
        day, second = divmod(seconds, DAY)
        return self._days[day - self.FIRST_DAY] + self._clock[second]

    def utc_day(self, number: int) -> str:
        return self._days[number - self.FIRST_DAY]

    def local_day(self, seconds: int) -> int:
        """The local day number (days since 1970-01-01) of a moment."""
        return (seconds + self.offset) // DAY

    def date(self, day_number: int) -> str:
        return self._days[day_number - self.FIRST_DAY]


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def from_day_number(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=number)
