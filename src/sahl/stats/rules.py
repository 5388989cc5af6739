"""Pure rules of the statistics: which month and how many days a thing counts under, the median of
a histogram of days, shares. Which counts may be published (none below ten, and no total that gives
a hidden count back) is the platform's rule: `core.small_counts`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from sahl.core.small_counts import SMALLEST_SHOWN, protect, shown

MAX_DAYS = 730  # longer durations are counted as this many (the median of real services is far below)


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the month the moment falls in, on Kuwait's calendar."""
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def days_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> int:
    """Whole days between two moments on Kuwait's calendar (0 the same day), capped at MAX_DAYS."""
    first = timezone.localdate(start) if isinstance(start, dt.datetime) else start
    last = timezone.localdate(end) if isinstance(end, dt.datetime) else end
    return max(0, min((last - first).days, MAX_DAYS))


def median_days(histogram: Mapping[int, int]) -> float | None:
    """The median of durations given as {days: how many}: the middle one, or the mean of the two
    middle ones of an even count. None without any."""
    size = sum(histogram.values())
    if size <= 0:
        return None
    wanted = [(size - 1) // 2, size // 2]  # zero-based places of the middle one(s)
    found: list[int] = []
    seen = 0
    for days in sorted(histogram):
        seen_next = seen + histogram[days]
        found.extend(days for place in wanted if seen <= place < seen_next)
        seen = seen_next
    return sum(found) / 2


def share(part: int, whole: int) -> int | None:
    """A whole percentage, published only when the whole is ten or more."""
    return round(100 * part / whole) if whole >= SMALLEST_SHOWN else None


__all__ = [
    "MAX_DAYS",
    "SMALLEST_SHOWN",
    "days_between",
    "median_days",
    "month_of",
    "protect",
    "share",
    "shown",
]
