"""The service-level clock: Kuwaiti working days and holidays."""

import datetime as dt
from collections import Counter

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sahl.core.working_days import (
    HOLIDAYS_FILE,
    add_working_days,
    holidays_table,
    is_working_day,
    kuwait_holidays,
    working_days_between,
)

NONE: frozenset[dt.date] = frozenset()
D = dt.date
# A plain week in 2026 with no holiday: Sunday 8 to Saturday 14 November.
SUN, MON, TUE, WED, THU, FRI, SAT = (D(2026, 11, day) for day in range(8, 15))
NEXT_SUN = D(2026, 11, 15)


def test_friday_and_saturday_are_the_weekend():
    assert not is_working_day(FRI, NONE)
    assert not is_working_day(SAT, NONE)


@pytest.mark.parametrize("day", [SUN, MON, TUE, WED, THU])
def test_sunday_to_thursday_are_working_days(day):
    assert is_working_day(day, NONE)


def test_a_holiday_is_not_a_working_day():
    assert not is_working_day(TUE, frozenset({TUE}))
    assert not is_working_day(D(2026, 2, 25), kuwait_holidays())  # National Day, a Wednesday


def test_zero_days_is_the_start_itself():
    assert add_working_days(FRI, 0, NONE) == FRI
    assert add_working_days(TUE, 0, NONE) == TUE


def test_the_start_day_does_not_count():
    assert add_working_days(SUN, 1, NONE) == MON


def test_adding_skips_the_weekend():
    assert add_working_days(THU, 1, NONE) == NEXT_SUN
    assert add_working_days(FRI, 1, NONE) == NEXT_SUN  # started on a weekend: the next Sunday is day 1
    assert add_working_days(WED, 5, NONE) == D(2026, 11, 18)


def test_adding_skips_a_holiday():
    assert add_working_days(MON, 2, frozenset({TUE})) == THU


def test_adding_across_national_and_liberation_day_and_a_weekend():
    # Tuesday 24 Feb 2026; Wed 25 and Thu 26 are holidays, Fri 27 and Sat 28 the weekend.
    holidays = kuwait_holidays()
    assert add_working_days(D(2026, 2, 24), 1, holidays) == D(2026, 3, 1)
    assert add_working_days(D(2026, 2, 23), 3, holidays) == D(2026, 3, 2)
    assert working_days_between(D(2026, 2, 24), D(2026, 3, 1), holidays) == 1


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(SUN, -1, NONE)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (SUN, SUN, 0),  # same day
        (MON, SUN, 0),  # end before start
        (SUN, MON, 1),  # the end counts, the start does not
        (THU, SAT, 0),  # only a weekend after the start
        (THU, NEXT_SUN, 1),
        (SUN, NEXT_SUN, 5),  # a whole week
        (SAT, D(2026, 11, 21), 5),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end, NONE) == expected


def test_working_days_between_leaves_out_holidays():
    assert working_days_between(SUN, THU, frozenset({TUE, WED})) == 2


def test_the_holidays_file_parses_with_a_real_date_and_both_names_everywhere():
    entries = yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert entries
    for entry in entries:
        assert type(entry["date"]) is dt.date, entry
        assert entry["ar"].strip() and entry["en"].strip(), entry
    assert len(holidays_table()) == len(entries)


def test_the_holidays_file_has_no_duplicate_dates():
    entries = yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    counts = Counter(entry["date"] for entry in entries)
    assert [day for day, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_national_and_liberation_day_every_year(year):
    names = {h.date: h.name_en for h in holidays_table()}
    assert names[D(year, 2, 25)] == "National Day"
    assert names[D(year, 2, 26)] == "Liberation Day"


def test_the_table_is_sorted_and_matches_the_set():
    table = holidays_table()
    assert [h.date for h in table] == sorted(h.date for h in table)
    assert kuwait_holidays() == frozenset(h.date for h in table)


@given(
    start=st.dates(min_value=D(2024, 12, 1), max_value=D(2028, 1, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_adding_then_counting_round_trips(start, days):
    holidays = kuwait_holidays()
    due = add_working_days(start, days, holidays)
    assert working_days_between(start, due, holidays) == days
    if days > 0:
        assert is_working_day(due, holidays)
