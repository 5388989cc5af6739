"""Sahl Business's plain rules: what a social-insurance statement owes today, and when a worker's
permit or residency counts as coming up."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from dateutil.relativedelta import relativedelta

# PIFSS adds a surcharge for each month, or part of one, that an employer's contributions are late.
# The rate is the institution's to set; it lives here, in one place, as the registers' owner gives it.
LATE_RATE_PER_MONTH = (15, 1000)  # 1.5 %
COMING_UP_DAYS = 30  # a permit, a residency or a licence ending within this many days needs action
BULK_LIMIT = 200  # workers renewed in one action (a larger company renews in several)


class StatementState(StrEnum):
    PAID = "paid"
    DUE = "due"  # not yet due: payable
    OVERDUE = "overdue"  # past its due date: the surcharge runs


def months_late(due_on: dt.date, today: dt.date) -> int:
    """Whole or started months since the due date (0 on or before it)."""
    if today <= due_on:
        return 0
    delta = relativedelta(today, due_on)
    return delta.years * 12 + delta.months + (1 if delta.days else 0)


def surcharge_fils(amount_fils: int, due_on: dt.date, today: dt.date) -> int:
    numerator, denominator = LATE_RATE_PER_MONTH
    return amount_fils * numerator * months_late(due_on, today) // denominator


def statement_state(due_on: dt.date, paid_on: dt.date | None, today: dt.date) -> StatementState:
    if paid_on is not None:
        return StatementState.PAID
    return StatementState.OVERDUE if today > due_on else StatementState.DUE


def horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=COMING_UP_DAYS)
