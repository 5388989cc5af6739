"""What is kept for the catalogue is kept for its generation, which a load replaces. A process reads
the generation from the shared cache at most once a second (it was a round trip on every page that
shows the catalogue): its own loads it sees at once, another process's within the second."""

import pytest
from django.core.cache import cache

from sahl.catalogue import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    return now


def test_another_processes_load_is_seen_within_a_second(clock):
    services.keep("answer", b"before the load")
    cache.set("catalogue:generation", "another-process", 600)  # what its load left in the shared cache
    clock[0] += services.GENERATION_READ_EVERY - 0.01
    assert services.kept("answer") == b"before the load"  # not read again within the second
    clock[0] += 0.01
    assert services.kept("answer") is None  # the other process's generation: nothing kept for it yet


def test_a_load_in_this_process_is_seen_at_once(clock):
    services.keep("answer", b"before the load")
    services.forget_cached_catalogue()
    assert services.kept("answer") is None


def test_the_generation_is_read_once_a_second_however_many_pages(clock, monkeypatch):
    reads = []
    get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: (reads.append(key), get(key, *a, **k))[1])
    for _ in range(50):
        services.kept("answer")
        clock[0] += 0.01
    assert reads.count("catalogue:generation") == 1
