"""Entries kept in the shared cache under a version token, forgotten by changing the token (ADR 0044).

A reader asks for the entry and its version token in one round trip; the entry counts only when it
was stored under the token now current. A change sets a new token at once and again after its
commit: a reader that read the database before the commit stores its copy under a token that is
already dead, so no stale copy outlives the change by even one request. A token lost to eviction is
made anew, which also makes every entry under it dead."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction


def read(key: str, version_key: str) -> tuple[Any, str]:
    """The entry kept under `key` if it is of the current version (else None), and that version."""
    found = cache.get_many([key, version_key])
    return current(found.get(key), found.get(version_key), version_key)


def current(entry: Any, token: Any, version_key: str) -> tuple[Any, str]:
    """`read`'s answer from what was read already (the entry and the version's token, in one round
    trip with something else): the entry if it is of that version, and the version."""
    if token is None:
        cache.add(version_key, uuid.uuid4().hex, None)
        token = cache.get(version_key) or ""
    if isinstance(entry, tuple) and len(entry) == 2 and token and entry[0] == token:
        return entry[1], token
    return None, token


def keep(key: str, token: str, value: Any, seconds: int) -> None:
    if token and seconds > 0:
        cache.set(key, (token, value), seconds)


def forget(*version_keys: str) -> None:
    """Every entry under these versions is dead from now on, and again after the commit."""
    keys = [k for k in version_keys if k]
    if not keys:
        return

    def renew() -> None:
        cache.set_many({k: uuid.uuid4().hex for k in keys}, None)

    renew()
    transaction.on_commit(renew)
