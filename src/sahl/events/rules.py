"""When a failing subscriber is tried again, and when Sahl stops trying by itself."""

from __future__ import annotations

import datetime as dt
import random

MAX_ATTEMPTS = 8
FIRST_RETRY = 10  # seconds; then 20, 40, ... with jitter
LONGEST_RETRY = 3600


def retry_delay(attempts: int, rng: random.Random | None = None) -> dt.timedelta:
    """After `attempts` failures: exponential, capped, jittered over its upper half."""
    ceiling = min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=ceiling / 2 + (rng or random.SystemRandom()).uniform(0, ceiling / 2))


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
