"""Use cases of the registers that Sahl itself runs: announcing what the registers hold as events
(documents nearing their expiry, births and marriages entered), for the apps that remind people and
start journeys."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sahl.core.errors import BadInput
from sahl.events.models import Event
from sahl.events.services import announce
from sahl.events.types import BirthRecorded, DocumentExpiring, MarriageRecorded
from sahl.registry.adapters import BirthRecord, MarriageRecord, NewBirth, registers

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


def record_birth(birth: NewBirth, today: dt.date) -> BirthRecord:
    """Enter a notified birth and announce it, in one transaction. The same notification again
    gives the same record and announces nothing more."""
    if birth.birth_date > today or birth.birth_date < today - dt.timedelta(days=366):
        raise BadInput("register.birth_date")
    with transaction.atomic():
        recorded = registers().record_birth(birth)
        if recorded.created:
            announce(BirthRecorded(record=recorded.record))
    return recorded


def record_marriage(
    contract_number: str, husband_civil_id: str, wife_civil_id: str, married_on: dt.date, today: dt.date
) -> MarriageRecord:
    """Enter a registered marriage contract and announce it, in one transaction (once per contract)."""
    if married_on > today:
        raise BadInput("register.marriage_date")
    with transaction.atomic():
        recorded = registers().record_marriage(contract_number, husband_civil_id, wife_civil_id, married_on)
        if recorded.created:
            announce(MarriageRecorded(record=recorded.record))
    return recorded
