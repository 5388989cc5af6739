"""Django's Redis cache, keeping one Redis client per server for the process.

Django builds a new `redis.Redis` for every cache call (`RedisCacheClient.get_client`). Building
one registers its ~160 response callbacks, some 80 µs, and every logged-in request makes at least
two calls (its session, then the kept login; whom they act for when acting). A client is safe to
share between threads: it takes a connection from its pool for each command, and the pool starts
afresh in a forked worker.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class KeptClients(django_redis.RedisCacheClient):
    """One client for writes and one for reads. With several servers (reads from replicas), each
    process keeps reading from the replica its first read chose, instead of a new choice per call:
    the processes still spread over the replicas."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClients
