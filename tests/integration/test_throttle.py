"""identity.throttle: named limits on the `limits` library's fixed windows, counted in the database
without a shared cache and in Redis with one (SAHL_CACHE_URL). Time is simulated for the database."""

import os
import uuid

import pytest

from sahl.identity import throttle
from sahl.identity.models import RateCount
from tests.redis_here import redis_or_skip

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("SAHL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_a_window_opens_at_the_first_hit_and_refuses_past_its_amount_until_it_ends(clock):
    for _ in range(10):  # agency.token: 10 per 15 minutes
        assert throttle.hit("agency.token", "10.0.0.1")
    clock.advance(minutes=5)
    assert not throttle.allowed("agency.token", "10.0.0.1")
    assert not throttle.hit("agency.token", "10.0.0.1")  # refused: not counted either
    assert throttle.wait_seconds("agency.token", "10.0.0.1") == 10 * 60
    assert throttle.allowed("agency.token", "10.0.0.2")  # another key is its own
    clock.advance(minutes=10)
    assert throttle.wait_seconds("agency.token", "10.0.0.1") == 0
    assert throttle.hit("agency.token", "10.0.0.1")


def test_a_limit_of_several_rates_refuses_while_any_of_them_is_spent(clock):
    for _ in range(3):  # login.pair: 5 per 5 minutes and 20 per day
        for _ in range(5):
            throttle.record("login.pair", "10.0.0.1", "someone")
        assert throttle.wait_seconds("login.pair", "10.0.0.1", "someone") == 5 * 60
        clock.advance(minutes=5)
    for _ in range(5):
        throttle.record("login.pair", "10.0.0.1", "someone")
    assert throttle.wait_seconds("login.pair", "10.0.0.1", "someone") == 24 * 60 * 60 - 15 * 60
    clock.advance(minutes=5)  # the 5-minute window is over, the day's is not
    assert throttle.wait_seconds("login.pair", "10.0.0.1", "someone") == 24 * 60 * 60 - 20 * 60
    throttle.clear("login.pair", "10.0.0.1", "someone")
    assert throttle.allowed("login.pair", "10.0.0.1", "someone")


def test_counters_are_kept_under_a_keyed_hash_and_ended_windows_are_swept(clock, monkeypatch):
    throttle.record("login.source", "10.20.30.40")
    keys = list(RateCount.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any("10.20.30.40" in key for key in keys)  # two rates, no address
    clock.advance(days=1, seconds=1)
    monkeypatch.setattr(throttle.DatabaseStorage, "SWEEP_ONE_IN", 1)
    throttle.record("filing", "1")
    assert not RateCount.objects.filter(key__in=keys).exists()


def test_an_unknown_limit_is_a_programming_error():
    with pytest.raises(KeyError):
        throttle.allowed("no.such.limit", "x")


@pytest.fixture
def shared_cache(settings):
    client = redis_or_skip(REDIS_URL)
    settings.SAHL_CACHE_URL = REDIS_URL
    return client


def test_with_a_shared_cache_the_counters_are_in_redis(shared_cache):
    source = f"10.{uuid.uuid4().int % 250}.0.{uuid.uuid4().int % 250}"  # its own key in a shared Redis
    for _ in range(10):
        assert throttle.hit("agency.token", source)
    assert not throttle.allowed("agency.token", source)
    assert 0 < throttle.wait_seconds("agency.token", source) <= 15 * 60
    assert not RateCount.objects.exists()  # nothing in the database
    assert any(shared_cache.scan_iter("sahl-throttle:*"))
    throttle.clear("agency.token", source)
    assert throttle.allowed("agency.token", source)
