"""Which services' applications a journey may follow: those a step of some published version files.
An application of any other service never moves a journey, so the journeys' listener is not queued
for its steps at all (a renewal or a certificate costs the task worker nothing here: ADR 0073).

The set is kept in the shared cache and forgotten when a version is published (`load_journeys`),
so a step added by a new version follows its service's applications from that commit on."""

from __future__ import annotations

from sahl.catalogue.models import Service
from sahl.core import versioned
from sahl.journeys.definition import rebuild_published
from sahl.journeys.models import JourneyVersion

_KEY = "journeys:followed-services"
_VERSION = "journeys:followed-services:version"
KEPT_FOR = 24 * 3600  # seconds; publishing forgets it at once


def follows(service_id: int | None) -> bool:
    """Whether an application of this service may serve a journey's step (yes when not known: an
    event written before events named their service)."""
    return service_id is None or service_id in service_ids()


def service_ids() -> frozenset[int]:
    found, token = versioned.read(_KEY, _VERSION)
    if found is None:
        found = _read()
        versioned.keep(_KEY, token, found, KEPT_FOR)
    return frozenset(found)


def forget() -> None:
    versioned.forget(_VERSION)


def _read() -> frozenset[int]:
    codes = {
        step.service
        for code, number, raw in JourneyVersion.objects.values_list("code", "number", "definition")
        for step in rebuild_published(raw, f"{code} v{number}").steps
    }
    return frozenset(Service.objects.filter(code__in=codes).values_list("pk", flat=True))
