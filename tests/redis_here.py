"""The tests' Redis: a connection to it, or a skip where there is none (a failure in CI, which
requires it with SAHL_REQUIRE_REDIS=1)."""

from __future__ import annotations

import os

import pytest
import redis

URL = os.environ.get("SAHL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip(url: str = URL) -> redis.Redis:
    """A client of the Redis at `url`, once it answers."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("SAHL_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required here but does not answer at {url}")
        pytest.skip(f"no Redis at {url} (set SAHL_TEST_REDIS_URL to run these)")
    return redis.Redis.from_url(url)
