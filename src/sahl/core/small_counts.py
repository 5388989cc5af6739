"""The platform's rule for publishing counts (ADR 0060): no count below ten, anywhere, and no
total published beside hidden counts that gives one of them back."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

SMALLEST_SHOWN = 10  # a count below this is published as "fewer than 10"

K = TypeVar("K", bound=Hashable)


def shown(count: int) -> int | None:
    """The count as published: None when it is below ten."""
    return count if count >= SMALLEST_SHOWN else None


def _pinned(hidden: Mapping[K, int], hidden_sum: int, secondary: set[K]) -> bool:
    """Whether someone who knows the sum of the hidden cells, that each primary one is 1 to 9 and
    that each secondary one is at least 10, could tell one hidden cell's exact value."""
    low = {k: (SMALLEST_SHOWN if k in secondary else 1) for k in hidden}
    high: dict[K, int | None] = {k: (None if k in secondary else SMALLEST_SHOWN - 1) for k in hidden}
    total_low = sum(low.values())
    unbounded = sum(1 for v in high.values() if v is None)
    total_high = sum(v for v in high.values() if v is not None)
    for k in hidden:
        others_low = total_low - low[k]
        others_unbounded = unbounded - (1 if high[k] is None else 0)
        least = low[k] if others_unbounded else max(low[k], hidden_sum - (total_high - (high[k] or 0)))
        most_by_sum = hidden_sum - others_low
        bound = high[k]
        most = most_by_sum if bound is None else min(bound, most_by_sum)
        if least >= most:
            return True
    return False


def protect(cells: Mapping[K, int], total: int | None) -> tuple[dict[K, int | None], int | None]:
    """Cells and their total as they may be published.

    A cell below ten is hidden. When the total is published too, the hidden cells' sum is known
    (the total minus the cells shown), so more cells are hidden, smallest first, until no hidden
    cell's value follows from it; if none can be, the total is hidden instead. A total below ten is
    hidden. Cells of 0 are left out (nothing happened: no one to protect). `total` None: no total is
    published beside these cells."""
    present = {k: v for k, v in cells.items() if v > 0}
    hidden = {k for k, v in present.items() if v < SMALLEST_SHOWN}
    secondary: set[K] = set()
    published_total = total if total is not None and total >= SMALLEST_SHOWN else None
    if published_total is not None and hidden:
        shown_cells = sorted((v, i, k) for i, (k, v) in enumerate(present.items()) if k not in hidden)
        while _pinned(
            {k: present[k] for k in hidden | secondary},
            published_total - sum(v for k, v in present.items() if k not in hidden | secondary),
            secondary,
        ):
            if not shown_cells:
                published_total = None
                break
            _, _, smallest = shown_cells.pop(0)
            secondary.add(smallest)
    out: dict[K, int | None] = {k: (None if k in hidden | secondary else v) for k, v in present.items()}
    return out, published_total
