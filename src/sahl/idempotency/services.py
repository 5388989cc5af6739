"""One Idempotency-Key mechanism for every client write (the people's API and pages, the agency
API): the same caller, key and request answer the same again without doing anything twice; the
same key with another request answers 409 (`idempotency.conflict`); keys are per caller.

`once` takes the key's row first, in the work's own transaction, so that the work and its key
commit or roll back together: a refused or failed write keeps no key, and a concurrent twin waits
on the unique index (PostgreSQL) or on the write lock (SQLite) and then answers what the first was
answered. The row is taken by one INSERT ... ON CONFLICT DO NOTHING: the constraint tells a key
used before, with no read first and no savepoint (ADR 0047). This module stands on the ground
floor: it imports no app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sahl.core.errors import BadInput, Conflict
from sahl.idempotency.models import IdempotentRequest

KEY_LENGTH = 80  # longest Idempotency-Key
KEEP_FOR = dt.timedelta(hours=24)  # an answer is replayed at least this long, then swept
SWEEP_BATCH = 5000  # rows deleted per statement, so a sweep never holds long locks


class IdempotencyConflict(Conflict):
    """The key was used before by the same caller for a different request."""

    def __init__(self) -> None:
        super().__init__("idempotency.conflict")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool  # the stored answer to an earlier request with the same key and request


def person(user_id: int) -> str:
    """The caller a person's keys belong to (the person acting, whoever they act for)."""
    return f"person:{user_id}"


def agency(code: str) -> str:
    """The caller an agency's system's keys belong to."""
    return f"agency:{code}"


def check_key(key: str) -> None:
    """A key is 1 to 80 characters; anything else is refused before anything is done."""
    if not key:
        raise BadInput("idempotency.missing")
    if len(key) > KEY_LENGTH:
        raise BadInput("idempotency.too_long", limit=KEY_LENGTH)


def once(caller: str, key: str, request_hash: str, work: Callable[[], tuple[int, dict[str, Any]]]) -> Answer:
    """Run `work` (which answers a status and a JSON body) in one transaction with the key's row,
    or answer what the caller's first request with this key was answered. A different request
    under the same key raises `IdempotencyConflict`; an error raised by `work` keeps no key."""
    check_key(key)
    with transaction.atomic():
        taken = _take(caller, key, request_hash)
        if taken is None:  # used before (a concurrent twin waited for it on PostgreSQL)
            return _replay(IdempotentRequest.objects.get(caller=caller, key=key), request_hash)
        status, body = work()
        IdempotentRequest.objects.filter(pk=taken).update(status_code=status, response=body)
    return Answer(status, body, replayed=False)


def answered(caller: str, key: str, request_hash: str) -> Answer | None:
    """What the caller's earlier request with this key was answered, if this is that request again
    and it was answered; None for a key not used (or still being worked on), without taking it.
    For a caller who could not do the work now (no longer eligible) but may be asking again."""
    earlier = IdempotentRequest.objects.filter(caller=caller, key=key).first()
    if earlier is None or not earlier.status_code:
        return None
    return _replay(earlier, request_hash)


def _replay(earlier: IdempotentRequest, request_hash: str) -> Answer:
    """The answer kept for the key, for the same request; another request under it is a conflict."""
    if earlier.request_hash != request_hash:
        raise IdempotencyConflict()
    return Answer(earlier.status_code, earlier.response, replayed=True)


_TAKE = """
INSERT INTO "idempotency_idempotentrequest" ("caller", "key", "request_hash", "status_code", "response", "created_at")
VALUES (%s, %s, %s, 0, '{}', %s)
ON CONFLICT ("caller", "key") DO NOTHING RETURNING "id"
"""


def _take(caller: str, key: str, request_hash: str) -> int | None:
    """The id of the key's new row, or None if the caller used the key before (PostgreSQL and
    SQLite alike: both have ON CONFLICT and RETURNING)."""
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [caller, key, request_hash, created])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def sweep(now: dt.datetime | None = None, keep: dt.timedelta = KEEP_FOR) -> int:
    """Forget answers older than `keep` (their keys may then be used again); how many went."""
    cutoff = (now or timezone.now()) - keep
    deleted = 0
    while True:
        batch = list(
            IdempotentRequest.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if not batch:
            return deleted
        deleted += IdempotentRequest.objects.filter(pk__in=batch).delete()[0]
