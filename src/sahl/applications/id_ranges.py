"""Ranges of application ids, so that read rows are written again in short transactions however
many applications there are (a service may have millions)."""

from __future__ import annotations

from collections.abc import Iterator

from sahl.applications.models import Application


def of_service(service_id: int, size: int) -> Iterator[tuple[int, int]]:
    """(low, high] ranges of ids holding about `size` of the service's applications each, found by
    their index (one query per range, never a count of them all)."""
    mine = Application.objects.filter(service_id=service_id).order_by("pk").values_list("pk", flat=True)
    low = 0
    while True:
        boundary = mine.filter(pk__gt=low)[size - 1 : size]
        high = boundary[0] if boundary else mine.filter(pk__gt=low).order_by("-pk").first()
        if high is None:
            return
        yield low, high
        low = high
