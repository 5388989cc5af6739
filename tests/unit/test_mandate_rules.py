"""Who may act for whom, without a database: minority, what a scope reaches, acceptable dates."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from sahl.mandates import rules

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("birth", "minor"),
    [
        (dt.date(2008, 12, 2), True),  # 18 tomorrow
        (dt.date(2008, 12, 1), False),  # 18 today
        (dt.date(2026, 11, 21), True),  # a newborn
        (dt.date(1990, 1, 1), False),
    ],
)
def test_a_child_is_a_minor_until_the_18th_birthday(birth, minor):
    assert rules.is_minor(birth, TODAY) is minor


def test_a_child_born_on_29_february_comes_of_age_on_28_february_in_a_common_year():
    assert rules.is_minor(dt.date(2008, 2, 29), dt.date(2026, 2, 27))
    assert not rules.is_minor(dt.date(2008, 2, 29), dt.date(2026, 2, 28))


@pytest.mark.parametrize(
    ("scope", "category", "reached"),
    [
        ("vehicles", "traffic", True),
        ("vehicles", "identity", False),
        ("general", "justice", True),
        ("government", "passports", True),
        ("government", "justice", False),
        ("courts", "justice", True),
        ("real_estate", "housing", True),
        ("unknown", "traffic", False),
    ],
)
def test_what_a_scope_reaches(scope, category, reached):
    assert rules.covers(scope, category) is reached


def test_a_power_of_attorney_is_in_force_between_its_dates_unless_revoked():
    start, end = dt.date(2026, 12, 1), dt.date(2027, 1, 31)
    assert rules.in_force(start, end, False, start) and rules.in_force(start, end, False, end)
    assert not rules.in_force(start, end, False, end + dt.timedelta(days=1))
    assert not rules.in_force(start, end, False, start - dt.timedelta(days=1))
    assert not rules.in_force(start, end, True, start)


@given(st.integers(-400, 400), st.integers(-10, 2200))
def test_acceptable_dates_start_today_or_later_and_last_at_most_five_years(start_days, length):
    start = TODAY + dt.timedelta(days=start_days)
    end = start + dt.timedelta(days=length)
    expected = start >= TODAY and end >= start and end <= start + relativedelta(years=5)
    assert rules.dates_acceptable(start, end, TODAY) is expected


def test_dates_are_read_strictly():
    assert rules.parse_date("2026-12-01") == dt.date(2026, 12, 1)
    assert rules.parse_date("01/12/2026") is None and rules.parse_date(None) is None
