"""Paying a company's social-insurance statements: one payment for one or more months, through the
same payments as every fee (a basket of dues), with the surcharge of the late ones. The statements
are the social-security institution's register; a paid basket marks them paid (business.receivers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sahl.business.home import Statement, statements_of
from sahl.business.rules import StatementState
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, Conflict, NotFound
from sahl.mandates.services import Authority
from sahl.payments import baskets
from sahl.payments.models import PaymentIntent, PaymentItem
from sahl.registry.adapters import registers

AGENCY = "pifss"
MONTHS_AR = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def title(statement: Statement) -> BilingualText:
    period = statement.record.period
    return BilingualText(
        f"اشتراكات التأمينات الاجتماعية عن شهر {MONTHS_AR[period.month - 1]} {period.year}",
        f"Social-insurance contributions for {MONTHS_EN[period.month - 1]} {period.year}",
    )


def pay(
    authority: Authority, records: Sequence[str], today: dt.date, *, return_to: str = ""
) -> PaymentIntent:
    """Start (or find again) the one payment for these statements of the company."""
    wanted = sorted(set(records))
    if not wanted:
        raise BadInput("statement.none_chosen")
    found = {s.record.record: s for s in statements_of(authority.subject, today, size=240)}
    chosen = [found[r] for r in wanted if r in found]
    if len(chosen) != len(wanted):
        raise NotFound("statement.not_found")
    if any(s.state is StatementState.PAID for s in chosen):
        raise Conflict("payment.already_paid")
    dues = [baskets.Due(s.record.record, AGENCY, s.total_fils, title(s), authority.subject) for s in chosen]
    return baskets.start_for_dues(authority, dues, return_to=return_to)


def settle(intent_id: int, references: Sequence[str], paid_on: str) -> int:
    """A paid basket of statements: each is marked paid with what was paid for it, once."""
    day = dt.date.fromisoformat(paid_on)
    intent = PaymentIntent.objects.get(pk=intent_id)
    paid = dict(
        PaymentItem.objects.filter(intent_id=intent_id, due_reference__in=list(references)).values_list(
            "due_reference", "amount_fils"
        )
    )
    return registers().settle_statements(list(references), intent.reference, day, paid)
