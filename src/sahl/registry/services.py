"""Use cases of the registers that Sahl itself runs: announcing what the registers hold as events
(births and marriages entered), for the app that starts journeys, and a company's licence
cancelled, for the wallet that revokes what certified it. Documents nearing their expiry
are not announced one by one: journeys' daily sweep reads them in bulk (journeys.sweep)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import format_lazy

from sahl.core.effects import Change
from sahl.core.errors import BadInput, NotFound
from sahl.events.services import announce
from sahl.events.types import BirthRecorded, CompanyLicenceCancelled, MarriageRecorded
from sahl.registry.adapters import BirthRecord, MarriageRecord, NewBirth, registers
from sahl.registry.companies import LICENCE_CANCELLED


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


@dataclass(frozen=True)
class Cancellation:
    number: str
    cancelled_on: dt.date
    change: Change  # as the application's history tells it
    created: bool = True  # False when the licence was cancelled before (the same answer again)


def cancel_licence(number: str, day: dt.date) -> Cancellation:
    """Cancel a company's commercial licence and announce it, in one transaction (once: a licence
    cancelled before stays cancelled on its first day, and nothing more is announced)."""
    with transaction.atomic():
        created = registers().cancel_licence(number, day)
        company = registers().company(number)
        if company is None or company.licence_cancelled_on is None:
            raise NotFound("company.not_found")
        if created:
            announce(CompanyLicenceCancelled(company_number=company.number))
    cancelled_on = company.licence_cancelled_on
    said = format_lazy(LICENCE_CANCELLED, day=cancelled_on.isoformat())
    return Cancellation(company.number, cancelled_on, Change(said), created)
