"""HTML rendered once for an object kept elsewhere and never changed while kept (a service of the
catalogue's generation, catalogue.services.shown_service), then kept with it in this process.

The kept HTML is tied to that very object, not to its id alone: a later object (the next generation's
copy of the service) is a miss, so nothing outlives the object it was rendered from. The store is
emptied when it reaches its limit, so old generations cannot fill a process."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString


class KeptHtml:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept: dict[tuple[int, Hashable], tuple[object, SafeString]] = {}

    def get(self, owner: object, key: Hashable, render: Callable[[], SafeString]) -> SafeString:
        """The HTML kept for `owner` under `key` (e.g. the page's language), rendered on a miss."""
        found = self._kept.get((id(owner), key))
        if found is not None and found[0] is owner:
            return found[1]
        html = render()
        if len(self._kept) >= self._limit:
            self._kept.clear()
        self._kept[(id(owner), key)] = (owner, html)
        return html
