"""The shared cache's answers are read by hiredis, in C: in Python, reading the session's answer
was a tenth of the API detail (docs/performance.md)."""

from redis.utils import HIREDIS_AVAILABLE


def test_redis_reads_its_answers_with_hiredis():
    assert HIREDIS_AVAILABLE
