"""Links to many rows of one kind on one page: the route is reversed once per process, then each
row's key is put in (a queue of 50 cases would otherwise call `reverse` 50 times: ADR 0048)."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

_MARK = "0sahl0"  # a key no route converter refuses and no path holds


@cache
def _around(name: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK]).partition(_MARK)
    return head, tail


def link(name: str, key: str) -> str:
    """`reverse(name, args=[key])` for a route with one string argument."""
    head, tail = _around(name, get_script_prefix())
    return f"{head}{quote(key, safe='')}{tail}"
