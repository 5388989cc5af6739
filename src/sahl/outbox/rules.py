"""When to try a delivery again, and when to leave a destination alone for a while."""

from __future__ import annotations

import datetime as dt
import random

FIRST_RETRY = 30  # seconds; then 60, 120, ... with jitter
LONGEST_RETRY = 3600
BREAKER_FAILURES = 5  # failed attempts in a row that open the breaker
BREAKER_FIRST_PAUSE = 60  # seconds, doubling while the destination keeps failing
BREAKER_LONGEST_PAUSE = 600
CLAIM_GRACE = 60  # seconds beyond an attempt's timeout after which its claim is a dead worker's


def retry_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempts + 1`: exponential, capped, with full jitter on the upper
    half (so many deliveries failing together do not come back together)."""
    ceiling = min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))
    return ceiling / 2 + (rng or random.SystemRandom()).uniform(0, ceiling / 2)


def breaker_pause(failures_in_a_row: int) -> int:
    """Seconds the destination is left alone after this many failures in a row (0: keep calling)."""
    if failures_in_a_row < BREAKER_FAILURES:
        return 0
    doublings = failures_in_a_row - BREAKER_FAILURES
    return min(BREAKER_LONGEST_PAUSE, BREAKER_FIRST_PAUSE * 2**doublings)


def claim_is_stale(
    claimed_at: dt.datetime | None, timeout_seconds: float, now: dt.datetime, grace: float = CLAIM_GRACE
) -> bool:
    """A claim older than the attempt's timeout and a grace: its worker stopped mid-attempt."""
    if claimed_at is None:
        return True
    return now - claimed_at > dt.timedelta(seconds=timeout_seconds + grace)
