"""The statistics' privacy rule (ADR 0060): no count below ten, and no published total that lets
anyone work a hidden count out; the median of a histogram of days."""

from __future__ import annotations

import itertools
import statistics

from hypothesis import given, settings
from hypothesis import strategies as st

from sahl.stats import rules


def candidates(
    cells: dict[str, int], published: dict[str, int | None], total: int | None
) -> list[dict[str, int]]:
    """Every assignment of the hidden cells an onlooker cannot rule out (each hidden cell 1..9, or
    10..the total for one hidden to protect another), small enough to enumerate."""
    hidden = [k for k, v in published.items() if v is None]
    ceiling = (total or sum(cells.values())) + 1
    ranges = [range(1, min(ceiling, 60)) for _ in hidden]
    found = []
    for values in itertools.product(*ranges):
        guess = dict(zip(hidden, values, strict=True))
        if total is not None and sum(guess.values()) + sum(v for v in published.values() if v) != total:
            continue
        found.append(guess)
    return found


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 40), min_size=1, max_size=4))
def test_no_hidden_cell_follows_from_the_total(cells):
    published, total = rules.protect(cells, sum(cells.values()))
    assert all(v is None or v >= 10 for v in published.values())
    assert total is None or total >= 10
    hidden = [k for k, v in published.items() if v is None]
    assert all(published[k] == cells[k] for k in cells if k not in hidden)
    assert all(k in hidden for k, v in cells.items() if v < 10)
    if hidden and total is not None:
        # Even knowing which hidden cells are below ten (and that the others are not) and the total,
        # at least two values stay possible for every hidden cell (a brute force over the guesses).
        small = {k for k in hidden if cells[k] < 10}
        possible = [
            g for g in candidates(cells, published, total) if all((g[k] < 10) == (k in small) for k in hidden)
        ]
        for k in hidden:
            assert len({g[k] for g in possible}) >= 2, (cells, published, k)


def test_one_small_month_hides_the_next_smallest_and_keeps_the_total():
    published, total = rules.protect({"2026-01": 25, "2026-02": 3, "2026-03": 12}, 40)
    assert published == {"2026-01": 25, "2026-02": None, "2026-03": None} and total == 40


def test_a_total_below_ten_or_that_cannot_be_protected_is_hidden():
    assert rules.protect({"a": 4, "b": 3}, 7) == ({"a": None, "b": None}, None)
    assert rules.protect({"a": 9}, 9) == ({"a": None}, None)
    # Without a published total, only the small cells are hidden.
    assert rules.protect({"a": 25, "b": 3}, None) == ({"a": 25, "b": None}, None)
    assert rules.protect({"a": 25, "b": 0}, 25) == ({"a": 25}, 25)  # nothing happened: nothing to hide


@given(st.lists(st.integers(0, 100), min_size=1, max_size=40))
def test_the_median_of_a_histogram_is_the_median_of_its_days(days):
    histogram: dict[int, int] = {}
    for d in days:
        histogram[d] = histogram.get(d, 0) + 1
    assert rules.median_days(histogram) == statistics.median(days)
    assert rules.median_days({}) is None


def test_shares_need_ten_decisions():
    assert rules.share(9, 9) is None and rules.share(9, 10) == 90
