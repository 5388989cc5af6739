"""A person's register profile kept in the shared cache for `SAHL_REGISTER_PROFILE_SECONDS`.

Every service page, application page and submission reads it, and it takes 8 queries to put
together. A change to any register row it is made of forgets the profiles that row shows in (see
registry.receivers), at once and again at commit, so that a reader in between cannot keep the old
one. A profile read inside the transaction that changed it is not kept: that transaction may still
roll back, and the cache would then show for a minute what never happened. What remains is the
usual window of a cache without locks: a reader that began before the commit may store what it
read just after it; the lifetime bounds that (and changes made to the registers outside Sahl)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

if TYPE_CHECKING:
    from sahl.registry.adapters import Profile


def keeping() -> bool:
    return settings.SAHL_REGISTER_PROFILE_SECONDS > 0


def _key(civil_id: str) -> str:
    return f"registry:profile:{civil_id}"


def kept_profile(civil_id: str, today: dt.date, make: Callable[[], Profile | None]) -> Profile | None:
    """The kept profile if it was made today (ages and days left count from today), else a new one."""
    if not keeping():
        return make()
    found = cache.get(_key(civil_id))
    if found is not None and found[0] == today:
        return cast("Profile", found[1])
    profile = make()
    if profile is not None and not _changed_in_this_transaction(_key(civil_id)):
        cache.set(_key(civil_id), (today, profile), settings.SAHL_REGISTER_PROFILE_SECONDS)
    return profile


def forget_profiles(civil_ids: Iterable[str]) -> None:
    keys = [_key(civil_id) for civil_id in set(civil_ids) if civil_id]
    if not keys or not keeping():
        return
    cache.delete_many(keys)
    transaction.on_commit(_Forget(frozenset(keys)))


class _Forget:
    """What a change does again at commit: forget the profiles it changed. Waiting in the
    transaction's commit callbacks, it also says which profiles the transaction has changed so far:
    Django drops the callbacks of a transaction or savepoint that rolls back, and with them the
    mark."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys

    def __call__(self) -> None:
        cache.delete_many(list(self.keys))


def _changed_in_this_transaction(key: str) -> bool:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    # Django keeps (savepoint ids, callback, robust) for each on_commit callback not yet run.
    return any(
        isinstance(waiting[1], _Forget) and key in waiting[1].keys for waiting in connection.run_on_commit
    )
