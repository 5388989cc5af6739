"""A company's home: what it holds (licence, permits, workers, statements, representatives,
documents) and what needs action or is coming up. Everyone who opens it was let in by `company_for`
(an owner or signatory from the companies register, or a representative in force); anyone else
gets 404, as if the company did not exist, and the attempt is in the company's log.

A fixed number of reads whatever the company's size (tested at 5,000 workers): the workers are
counted by one aggregate and only the first page of those whose papers end soonest is read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sahl.applications.models import ApplicationCard, IssuedDocument
from sahl.applications.states import State
from sahl.business import rules
from sahl.business.rules import StatementState
from sahl.core.errors import Forbidden, NotFound
from sahl.identity.models import User
from sahl.mandates import delegates
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action, Basis
from sahl.mandates.services import Authority
from sahl.registry.adapters import registers
from sahl.registry.companies import CompanyDetails, StatementRecord, WorkerRecord, Workforce

OPEN = (State.SUBMITTED, State.AWAITING_PAYMENT, State.IN_REVIEW, State.ACTION_NEEDED)
LICENCE_NOTICE_DAYS = 60  # the licence can be renewed in its last 60 days (moci.commercial-licence-renewal)


def company_for(user: User, number: str, action: str = Action.VIEW, *, address: str = "") -> Authority:
    """The authority to open this company's pages, or NotFound (the refusal is recorded)."""
    try:
        authority = mandates.authorize(user, number, None, action, address=address)
    except Forbidden:
        raise NotFound("company.not_found") from None
    if not authority.is_company:
        raise NotFound("company.not_found")
    return authority


@dataclass(frozen=True)
class Statement:
    record: StatementRecord
    state: StatementState
    surcharge_fils: int

    @property
    def total_fils(self) -> int:
        return self.record.amount_fils + self.surcharge_fils


def statements_of(number: str, today: dt.date, size: int = 24) -> list[Statement]:
    found = registers().statements(number, size=size)
    return [_statement(s, today) for s in found]


def _statement(s: StatementRecord, today: dt.date) -> Statement:
    state = rules.statement_state(s.due_on, s.paid_on, today)
    surcharge = rules.surcharge_fils(s.amount_fils, s.due_on, today) if state is StatementState.OVERDUE else 0
    return Statement(s, state, surcharge)


@dataclass(frozen=True)
class Notice:
    """A line of "needs action" or "coming up": `kind` says what, `count` and `day` fill it in."""

    kind: str  # licence_expired, licence_expiring, permits_expired, permits_expiring,
    # residencies_expiring, statement_overdue, statement_due, payments_waiting
    count: int = 0
    day: dt.date | None = None
    amount_fils: int = 0


@dataclass(frozen=True)
class CompanyHome:
    authority: Authority
    company: CompanyDetails
    workforce: Workforce
    soonest: tuple[WorkerRecord, ...]  # the first workers whose permit or residency ends soonest
    statements: list[Statement]
    representatives: list[delegates.Delegation]
    documents: list[IssuedDocument]
    waiting_payment: int  # applications filed for the company that wait for their fee
    needs_action: list[Notice]
    coming_up: list[Notice]

    @property
    def signs(self) -> bool:
        return self.authority.basis is Basis.SIGNATORY


def company_home(authority: Authority, today: dt.date) -> CompanyHome:
    number = authority.subject
    company = registers().company(number)
    if company is None:
        raise NotFound("company.not_found")
    horizon = rules.horizon(today)
    workforce = registers().workforce(number, today, horizon)
    soonest = registers().workers(number, expiring_by=horizon, size=10).workers
    statements = statements_of(number, today, size=6)
    representatives = delegates.of_company(number)
    documents = list(IssuedDocument.objects.filter(holder_civil_id=number).order_by("-issued_on")[:10])
    waiting = ApplicationCard.objects.filter(civil_id=number, state=State.AWAITING_PAYMENT).count()
    needs, coming = _notices(company, workforce, statements, waiting, today)
    mandates.record_use(authority, "company")
    return CompanyHome(
        authority, company, workforce, soonest, statements, representatives, documents, waiting, needs, coming
    )


def _notices(
    company: CompanyDetails, workforce: Workforce, statements: list[Statement], waiting: int, today: dt.date
) -> tuple[list[Notice], list[Notice]]:
    needs: list[Notice] = []
    coming: list[Notice] = []
    days_left = (company.licence_expiry - today).days
    if not company.cancelled and days_left < 0:
        needs.append(Notice("licence_expired", day=company.licence_expiry))
    elif not company.cancelled and days_left <= LICENCE_NOTICE_DAYS:
        needs.append(Notice("licence_expiring", day=company.licence_expiry))
    overdue = [s for s in statements if s.state is StatementState.OVERDUE]
    if overdue:
        needs.append(
            Notice("statement_overdue", count=len(overdue), amount_fils=sum(s.total_fils for s in overdue))
        )
    if workforce.permits_expired:
        needs.append(Notice("permits_expired", count=workforce.permits_expired))
    if workforce.permits_expiring:
        needs.append(Notice("permits_expiring", count=workforce.permits_expiring, day=rules.horizon(today)))
    if waiting:
        needs.append(Notice("payments_waiting", count=waiting))
    for s in statements:
        if s.state is StatementState.DUE:
            coming.append(Notice("statement_due", day=s.record.due_on, amount_fils=s.total_fils))
    if workforce.residencies_expiring:
        coming.append(
            Notice("residencies_expiring", count=workforce.residencies_expiring, day=rules.horizon(today))
        )
    for permit in company.permits:
        if (permit.expires_on - today).days <= LICENCE_NOTICE_DAYS:
            coming.append(Notice("permit_expiring", day=permit.expires_on))
    return needs, coming
