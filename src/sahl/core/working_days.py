"""Kuwaiti working days: how many an application or a complaint has taken and when it is due.

Pure functions over dates, shared by every service-level clock. Kuwait's weekend is Friday and
Saturday; public holidays come from data/holidays.yaml, which operators keep up to date as the
Civil Service Commission announces them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sahl.core import yaml_text

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.yaml"
WEEKEND = frozenset({4, 5})  # date.weekday(): Monday is 0, so Friday is 4 and Saturday 5
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    name_ar: str
    name_en: str


def is_working_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    """Friday and Saturday are the Kuwaiti weekend; public holidays are off too."""
    return day.weekday() not in WEEKEND and day not in holidays


def _days_after(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The days in (start, end]: the day something starts is never counted against it."""
    day = start + _ONE_DAY
    while day <= end:
        yield day
        day += _ONE_DAY


def add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date]) -> dt.date:
    """The due date of something started on `start` that must be done within `days` working days:
    the date of the `days`-th working day after `start` (start itself does not count). days == 0 -> start."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = start
    while days > 0:
        day += _ONE_DAY
        if is_working_day(day, holidays):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: frozenset[dt.date]) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    return sum(1 for day in _days_after(start, end) if is_working_day(day, holidays))


@cache
def _load_holidays(path: Path) -> tuple[Holiday, ...]:
    entries = yaml_text.load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: expected a list of holidays")
    holidays = []
    for i, entry in enumerate(entries):
        day = entry.get("date") if isinstance(entry, dict) else None
        # YAML reads an unquoted YYYY-MM-DD as a date; anything else (a typo, a quoted string,
        # a timestamp) must fail loudly rather than silently drop a day off.
        if type(day) is not dt.date:
            raise ValueError(f"{path.name}: entry {i} needs date: YYYY-MM-DD, got {day!r}")
        name_ar, name_en = entry.get("ar"), entry.get("en")
        if not (
            isinstance(name_ar, str) and name_ar.strip() and isinstance(name_en, str) and name_en.strip()
        ):
            raise ValueError(f"{path.name}: {day} needs both an Arabic (ar) and an English (en) name")
        holidays.append(Holiday(day, name_ar.strip(), name_en.strip()))
    holidays.sort(key=lambda h: h.date)
    for earlier, later in itertools.pairwise(holidays):
        if earlier.date == later.date:
            raise ValueError(f"{path.name}: {later.date} is listed twice")
    return tuple(holidays)


def holidays_table() -> list[Holiday]:
    """Every public holiday in data/holidays.yaml, sorted by date."""
    return list(_load_holidays(HOLIDAYS_FILE))  # a fresh list, so callers cannot alter the cache


@cache
def kuwait_holidays() -> frozenset[dt.date]:
    """Public holidays from data/holidays.yaml (cached)."""
    return frozenset(h.date for h in holidays_table())
