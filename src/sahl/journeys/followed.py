"""Which services' applications a journey may follow: those a step of some published version files.
An application of any other service never moves a journey, so the journeys' listener is not queued
for its steps at all (a renewal or a certificate costs the task worker nothing here: ADR 0073).

The set is kept in the shared cache and forgotten when a version is published (`load_journeys`),
and each process reads it at most once a second: a step added by a new version follows its
service's applications within a second of the commit. Without a shared cache it is read from the
database, at most once a second."""

from __future__ import annotations

import time

from django.conf import settings

from sahl.catalogue.models import Service
from sahl.core import versioned
from sahl.journeys.models import JourneyVersion

_KEY = "journeys:followed-services"
_VERSION = "journeys:followed-services:version"
KEPT_FOR = 24 * 3600  # seconds; publishing forgets it at once


def follows(service_id: int | None) -> bool:
    """Whether an application of this service may serve a journey's step (yes when not known: an
    event written before events named their service)."""
    return service_id is None or service_id in service_ids()


def service_ids() -> frozenset[int]:
    """Read from the shared cache at most once a second in each process (it is asked for each step
    a submission announces): a version published reaches the other processes within that second.
    No journey can have started under it by then, let alone filed for its new step."""
    now = time.monotonic()
    if _here and now - _here[0][1] < READ_EVERY:
        return _here[0][0]
    if settings.SAHL_CACHE_URL:
        found, token = versioned.read(_KEY, _VERSION)
        if found is None:
            found = _read()
            versioned.keep(_KEY, token, found, KEPT_FOR)
    else:  # each process's own memory cache: `load_journeys`, another process, could not forget it
        found = _read()
    ids = frozenset(found)
    _here[:] = [(ids, now)]
    return ids


READ_EVERY = 1.0  # seconds
_here: list[tuple[frozenset[int], float]] = []  # (the set, when it was read), or empty


def forget() -> None:
    versioned.forget(_VERSION)
    forget_here()


def forget_here() -> None:
    """This process's copy (the shared one stays): for tests, whose database rolls back under it."""
    _here.clear()


def _read() -> frozenset[int]:
    # The stored definitions were checked when published: their steps' codes are read as written
    # (rebuilding every version's definition took 100 ms).
    codes = {
        str(step["service"])
        for raw in JourneyVersion.objects.values_list("definition", flat=True)
        for step in raw.get("steps", ())
    }
    return frozenset(Service.objects.filter(code__in=codes).values_list("pk", flat=True))
