"""Calls that leave Sahl (a gateway, an agency's system, SMTP, SMS) never run inside a database
transaction: a slow or hanging system would hold row locks (and on SQLite the whole database), and
a rolled-back transaction cannot take back what was sent. Each adapter calls `leaving()` first."""

from __future__ import annotations

from django.db import connections


class CallInsideTransaction(RuntimeError):
    """An outside system was about to be called while a database transaction was open."""


def in_transaction() -> bool:
    """Whether a transaction of ours is open on any connection (the atomic blocks a test case wraps
    around each test do not count: they stand in for autocommit)."""
    for connection in connections.all(initialized_only=True):
        if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            return True
    return False


def leaving(what: str) -> None:
    """Refuse to call `what` from inside a transaction."""
    if in_transaction():
        raise CallInsideTransaction(f"{what} called inside a database transaction")
