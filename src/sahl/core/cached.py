"""Values that change rarely, kept in Django's cache for a while (typed, unlike `cache.get_or_set`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache

T = TypeVar("T")
_MISSING = object()


def cached(key: str, make: Callable[[], T], seconds: int) -> T:
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = make()
        cache.set(key, found, seconds)
    return cast(T, found)


def forget(*keys: str) -> None:
    cache.delete_many(list(keys))
