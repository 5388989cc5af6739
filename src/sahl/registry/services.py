"""Use cases of the registers that Sahl itself runs: announcing what the registers hold as events
(births and marriages entered), for the app that starts journeys. Documents nearing their expiry
are not announced one by one: journeys' daily sweep reads them in bulk (journeys.sweep)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sahl.core.errors import BadInput
from sahl.events.services import announce
from sahl.events.types import BirthRecorded, MarriageRecorded
from sahl.registry.adapters import BirthRecord, MarriageRecord, NewBirth, registers


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
