"""Reads from a PostgreSQL read replica where a little lag cannot hurt.

With `SAHL_REPLICA_URL` set, a GET or HEAD request from someone who has not written in the last
few seconds reads from the replica; everything else, and every read inside a transaction, reads
from the primary. Writes always go to the primary. Without a replica nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections

REPLICA = "replica"
_lag_is_fine: ContextVar[bool] = ContextVar("sahl_reads_may_lag", default=False)


@contextmanager
def reads_may_lag() -> Iterator[None]:
    token = _lag_is_fine.set(True)
    try:
        yield
    finally:
        _lag_is_fine.reset(token)


def has_replica() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _lag_is_fine.get() and has_replica() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
