"""Ranges of application ids, so that read rows are written again in short transactions however
many applications there are (a service may have millions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction
from django.db.models import Model

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


def rebuild(rows: type[Model], size: int, write: Callable[[int, int], int]) -> int:
    """Every read row anew from the applications, by ranges of `size` ids: each range's rows
    (`rows`, keyed by `application_id`) are deleted and `write(low, high)` writes them again, in
    one short transaction, so the model stays whole while it runs and a change committed meanwhile
    is not lost (its own upsert, or the range's select, has it). Returns the rows written."""
    last = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():  # rows past the last application (none: they cascade)
        rows._default_manager.filter(application_id__gt=last).delete()
    written, low = 0, 0
    while low < last:
        high = low + size
        with transaction.atomic():
            rows._default_manager.filter(application_id__gt=low, application_id__lte=high).delete()
            written += write(low, high)
        low = high
    return written


def refresh_service(service_id: int, size: int, write: Callable[[int, int], int]) -> int:
    """Write again the read rows of one service's applications: `write(low, high)` for each range
    of `of_service`, one transaction each. Returns the rows written."""
    written = 0
    for low, high in of_service(service_id, size):
        with transaction.atomic():
            written += write(low, high)
    return written
