"""Use cases of the registers that Sahl itself runs: announcing what the registers hold as events
(documents nearing their expiry), for the apps that remind people and start journeys."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sahl.events.models import Event
from sahl.events.services import announce
from sahl.events.types import DocumentExpiring
from sahl.registry.adapters import registers

WARNINGS = (60, 30, 7)  # days before a document expires that it is announced


def announce_expiring(today: dt.date, warnings: tuple[int, ...] = WARNINGS) -> int:
    """Announce each register document that expires `warnings` days from today, once per document
    and warning (a second run on one day, or on several machines, announces nothing more)."""
    count = 0
    for days in warnings:
        on = today + dt.timedelta(days=days)
        for document in registers().expiring(on):
            with transaction.atomic():
                already = Event.objects.filter(
                    type=DocumentExpiring.type, subject=document.record, payload__days_before=days
                ).exists()
                if not already:
                    announce(
                        DocumentExpiring(record=document.record, expires_on=on.isoformat(), days_before=days)
                    )
                    count += 1
    return count
