"""A person's register profile kept in the shared cache for `SAHL_REGISTER_PROFILE_SECONDS`.

Every service page, application page and submission reads it, and it takes 8 queries to put
together. A change to any register row it is made of forgets the profiles that row shows in (see
registry.receivers), at once and again at commit, so that a reader in between cannot keep the old
one. What remains is the usual window of a cache without locks: a reader that began before the
commit may store what it read just after it; the lifetime bounds that (and changes made to the
registers outside Sahl)."""

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
    if profile is not None:
        cache.set(_key(civil_id), (today, profile), settings.SAHL_REGISTER_PROFILE_SECONDS)
    return profile


def forget_profiles(civil_ids: Iterable[str]) -> None:
    keys = [_key(civil_id) for civil_id in set(civil_ids) if civil_id]
    if not keys or not keeping():
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
