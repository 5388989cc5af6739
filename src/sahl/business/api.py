"""Sahl Business in JSON: a company as the subject. Its dashboard, its workers, its social-insurance
statements (what a company's accounting system reads), renewing many workers' permits in one action
and paying once, paying statements, and its representatives.

The company's number is in the path. Whoever may not see the company (not an owner or authorised
signatory in the companies register, nor a representative in force) gets 404, as if it did not
exist; a representative whose role does not reach a write gets 403 with the reason."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, P, PathEx, QueryEx, Router, Schema, Status
from ninja.security import django_auth

from sahl.applications import clock
from sahl.business import contributions, home, renewals
from sahl.business.rules import BULK_LIMIT
from sahl.core.api_schemas import Text, errors
from sahl.core.bilingual import BilingualText
from sahl.core.bounds import PAGE_SIZE_MAX, Id
from sahl.core.errors import Conflict
from sahl.core.languages import in_both
from sahl.core.money import Money
from sahl.idempotency import header
from sahl.identity.current import person_of
from sahl.mandates import delegates
from sahl.mandates.current import client_address
from sahl.mandates.rules import DELEGATE_SCOPES
from sahl.payments import baskets, services
from sahl.registry.adapters import registers
from sahl.registry.companies import WorkerRecord

router = Router(tags=["business"], auth=django_auth)

NUMBER = P(description="the company's commercial registration number, e.g. CR-100001")
RENEWAL = P(description="the bulk renewal's reference, e.g. BR-1A2B3C4D5E")
SCOPES = ", ".join(f"`{s}`" for s in DELEGATE_SCOPES)


def _text(text: BilingualText | object) -> Text:
    if isinstance(text, BilingualText):
        return Text(ar=text.ar, en=text.en)
    return Text(**in_both(text))  # type: ignore[arg-type]


def _amount(fils: int) -> str:
    return Money(fils).amount


# --- The dashboard -----------------------------------------------------------------------------


class CompanyPermitOut(Schema):
    number: str
    agency: str = Field(description="the issuing agency's catalogue code")
    name: Text
    expires_on: dt.date


class CompanySignerOut(Schema):
    name: Text
    role: str = Field(description="owner, partner or signatory")


class CompanyOut(Schema):
    number: str
    name: Text
    activities: list[Text] = Field(description="the licence's activities, the main one first")
    licence_expiry: dt.date
    licence_cancelled_on: dt.date | None
    permits: list[CompanyPermitOut] = Field(
        description="the company's other permits, the soonest to end first"
    )
    roles: list[CompanySignerOut] = Field(description="its owners, partners and authorised signatories")


class CompanyActingOut(Schema):
    basis: str = Field(
        description="signatory (an owner or authorised signatory) or delegate (a representative)"
    )
    scopes: list[str] = Field(description=f"a representative's roles ({SCOPES}); empty for a signatory")


class CompanyWorkforceOut(Schema):
    workers: int
    permits_expired: int
    permits_expiring: int = Field(description="permits ending within 30 days, not yet expired")
    residencies_expiring: int = Field(description="residencies expired or ending within 30 days")


class CompanyWorkerOut(Schema):
    civil_id: str
    name: Text
    nationality: str = Field(description="ISO 3166 alpha-2")
    occupation: Text
    permit_number: str
    permit_expiry: dt.date
    residency_expiry: dt.date | None
    monthly_salary: str = Field(description="KWD, three decimals")


class CompanyStatementOut(Schema):
    record: str = Field(description="the statement's identifier, `statement:<id>`, as paying names it")
    title: Text
    period: dt.date = Field(description="the first day of the month it is for")
    insured_count: int
    amount: str = Field(description="the contributions of the month (KWD, three decimals)")
    due_on: dt.date
    state: str = Field(description="paid, due (not yet due: payable) or overdue (the surcharge runs)")
    surcharge: str = Field(description="the late surcharge today, 1.5% a month or part of one (KWD)")
    total: str = Field(description="amount and surcharge: what paying today costs (KWD)")
    currency: str
    paid_on: dt.date | None
    paid: str | None = Field(description="what was paid, the surcharge included (KWD); null until paid")
    payment_reference: str | None = Field(description="the Sahl payment that paid it, e.g. PAY-1A2B3C4D5E6F")


class CompanyNoticeOut(Schema):
    kind: str = Field(
        description="licence_expired, licence_expiring, permits_expired, permits_expiring, "
        "statement_overdue, payments_waiting (needs action); statement_due, residencies_expiring, "
        "permit_expiring (coming up)"
    )
    count: int
    day: dt.date | None
    amount: str | None = Field(description="what is owed (KWD), for statements")


class CompanyRepresentativeOut(Schema):
    id: int
    reference: str
    civil_id: str
    name: Text
    scope: str = Field(description=SCOPES)
    scope_text: Text
    valid_from: dt.date
    valid_until: dt.date
    state: str = Field(description="invited (not yet accepted), in_force or ended")
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None


class CompanyDocumentOut(Schema):
    document: str
    title: Text
    issued_on: dt.date
    valid_until: dt.date | None
    application: str


class CompanyDashboardOut(Schema):
    company: CompanyOut
    acting: CompanyActingOut
    workforce: CompanyWorkforceOut
    soonest: list[CompanyWorkerOut] = Field(
        description="the first workers whose permit or residency ends soonest"
    )
    statements: list[CompanyStatementOut] = Field(description="the latest six months, the newest first")
    needs_action: list[CompanyNoticeOut]
    coming_up: list[CompanyNoticeOut]
    waiting_payment: int = Field(description="applications filed for the company that wait for their fee")
    representatives: list[CompanyRepresentativeOut] = Field(description="those invited or in force")
    documents: list[CompanyDocumentOut] = Field(description="the documents last issued to the company")


def _worker(w: WorkerRecord) -> CompanyWorkerOut:
    return CompanyWorkerOut(
        civil_id=w.civil_id,
        name=_text(w.name),
        nationality=w.nationality,
        occupation=_text(w.occupation),
        permit_number=w.permit_number,
        permit_expiry=w.permit_expiry,
        residency_expiry=w.residency_expiry,
        monthly_salary=_amount(w.monthly_salary_fils),
    )


def _statement(s: home.Statement) -> CompanyStatementOut:
    r = s.record
    return CompanyStatementOut(
        record=r.record,
        title=_text(contributions.title(s)),
        period=r.period,
        insured_count=r.insured_count,
        amount=_amount(r.amount_fils),
        due_on=r.due_on,
        state=str(s.state),
        surcharge=_amount(s.surcharge_fils),
        total=_amount(s.total_fils),
        currency="KWD",
        paid_on=r.paid_on,
        paid=_amount(r.paid_fils) if r.paid_on else None,
        payment_reference=r.payment_reference or None,
    )


def _notice(n: home.Notice) -> CompanyNoticeOut:
    return CompanyNoticeOut(
        kind=n.kind, count=n.count, day=n.day, amount=_amount(n.amount_fils) if n.amount_fils else None
    )


def _representative(d: delegates.Delegation) -> CompanyRepresentativeOut:
    m = d.mandate
    return CompanyRepresentativeOut(
        id=m.pk,
        reference=m.application_reference,
        civil_id=m.attorney_civil_id,
        name=_text(d.person_name),
        scope=m.scope,
        scope_text=_text(d.scope_name),
        valid_from=m.valid_from,
        valid_until=m.valid_until,
        state=d.state,
        accepted_at=m.accepted_at,
        revoked_at=m.revoked_at,
    )


@router.get(
    "/companies/{number}",
    response={200: CompanyDashboardOut} | errors(404),
    summary="A company's dashboard",
    description="The company as the companies register holds it (licence, activities, other permits, "
    "owners and signatories), how many workers it has and how many permits and residencies end within "
    "30 days, the workers whose papers end soonest, its latest statements, what needs action and what is "
    "coming up, its representatives and documents. For its owners and authorised signatories and its "
    "representatives in force; 404 for anyone else (the attempt is in the company's log). Reading it as "
    "a representative is in the company's access log.",
)
def dashboard(request: HttpRequest, number: PathEx[str, NUMBER]) -> CompanyDashboardOut:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    found = home.company_home(authority, clock.today())
    c = found.company
    return CompanyDashboardOut(
        company=CompanyOut(
            number=c.number,
            name=_text(c.name),
            activities=[_text(a) for a in c.activities],
            licence_expiry=c.licence_expiry,
            licence_cancelled_on=c.licence_cancelled_on,
            permits=[
                CompanyPermitOut(
                    number=p.number, agency=p.agency, name=_text(p.name), expires_on=p.expires_on
                )
                for p in c.permits
            ],
            roles=[CompanySignerOut(name=_text(r.name), role=r.role) for r in c.roles],
        ),
        acting=CompanyActingOut(basis=str(authority.basis), scopes=list(authority.scopes)),
        workforce=CompanyWorkforceOut(
            workers=found.workforce.workers,
            permits_expired=found.workforce.permits_expired,
            permits_expiring=found.workforce.permits_expiring,
            residencies_expiring=found.workforce.residencies_expiring,
        ),
        soonest=[_worker(w) for w in found.soonest],
        statements=[_statement(s) for s in found.statements],
        needs_action=[_notice(n) for n in found.needs_action],
        coming_up=[_notice(n) for n in found.coming_up],
        waiting_payment=found.waiting_payment,
        representatives=[_representative(d) for d in found.representatives],
        documents=[
            CompanyDocumentOut(
                document=d.document,
                title=Text(ar=d.title_ar, en=d.title_en),
                issued_on=d.issued_on,
                valid_until=d.valid_until,
                application=d.application.reference,
            )
            for d in found.documents
        ],
    )


# --- Workers and statements --------------------------------------------------------------------


class CompanyWorkersOut(Schema):
    workers: list[CompanyWorkerOut]
    after: str | None = Field(
        description="the cursor of the next page (pass it as `after`); null on the last"
    )


@router.get(
    "/companies/{number}/workers",
    response={200: CompanyWorkersOut} | errors(404),
    summary="The company's workers, a page at a time",
    description="Its current workers from the labour register, the permit that ends first first. Pages by "
    "keyset: pass the `after` of an answer to read the next page. `expiring_by`: only those whose permit "
    "or residency ends by that day; `search`: a name, civil ID or permit number.",
)
def workers(
    request: HttpRequest,
    number: PathEx[str, NUMBER],
    search: QueryEx[str, P(max_length=100, description="a name, civil ID or permit number")] = "",
    expiring_by: QueryEx[
        dt.date | None, P(description="only permits or residencies ending by this day")
    ] = None,
    after: QueryEx[str, P(max_length=80, description="the cursor from the previous page's `after`")] = "",
    size: QueryEx[int, P(ge=1, le=PAGE_SIZE_MAX, description="how many on a page (1 to 200)")] = 50,
) -> CompanyWorkersOut:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    page = registers().workers(
        authority.subject, search=search, expiring_by=expiring_by, after=after, size=size
    )
    return CompanyWorkersOut(workers=[_worker(w) for w in page.workers], after=page.after or None)


@router.get(
    "/companies/{number}/statements",
    response={200: list[CompanyStatementOut]} | errors(404),
    summary="The company's social-insurance statements (for its accounting system)",
    description="The monthly contribution statements of the Public Institution for Social Security, the "
    "newest month first: what each month owes, when it is due, its state today and the late surcharge, "
    "and once paid the day, what was paid and the Sahl payment's reference (to reconcile against "
    "`GET /payments/{reference}`).",
)
def statements(
    request: HttpRequest,
    number: PathEx[str, NUMBER],
    size: QueryEx[
        int, P(ge=1, le=PAGE_SIZE_MAX, description="how many months, the newest first (1 to 200)")
    ] = 24,
) -> list[CompanyStatementOut]:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    return [_statement(s) for s in home.statements_of(authority.subject, clock.today(), size)]


# --- Payments ----------------------------------------------------------------------------------


class CompanyPaymentItemOut(Schema):
    title: Text
    application: str | None
    due_reference: str | None
    amount: str


class CompanyPaymentOut(Schema):
    reference: str = Field(description="the payment's reference; `GET /payments/{reference}` reads it")
    state: str
    amount: str = Field(description="the total (KWD, three decimals)")
    currency: str
    items: list[CompanyPaymentItemOut]
    payment_url: str = Field(description="send the payer's browser here to pay at the gateway")
    created_at: dt.datetime
    paid_at: dt.datetime | None


def _payment(intent: services.PaymentIntent) -> CompanyPaymentOut:
    return CompanyPaymentOut(
        reference=intent.reference,
        state=intent.state,
        amount=_amount(intent.amount_fils),
        currency=intent.currency,
        items=[
            CompanyPaymentItemOut(
                title=Text(ar=item.title_ar, en=item.title_en),
                application=item.application.reference if item.application else None,
                due_reference=item.due_reference or None,
                amount=_amount(item.amount_fils),
            )
            for item in baskets.items_of(intent)
        ],
        payment_url=intent.payment_url if intent.state == services.PaymentIntent.State.PENDING else "",
        created_at=intent.created_at,
        paid_at=intent.paid_at,
    )


class CompanyStatementsPaymentIn(Schema):
    statements: list[str] = Field(
        max_length=100, description='the statements\' `record`s, e.g. ["statement:12", "statement:13"]'
    )


@router.post(
    "/companies/{number}/statements/payment",
    response={201: CompanyPaymentOut} | errors(403, 404, 409),
    summary="Pay statements at once (one payment): send the payer's browser to payment_url",
    description="One payment for one or more unpaid statements, the late surcharge included; paid, each "
    "statement is marked paid with this payment's reference. Asking again for the same statements gives "
    "the same open payment. 403 for a representative whose role does not include paying; 404 for a "
    "statement not of the company; 409 when one is paid already or in another open payment.",
)
def pay_statements(
    request: HttpRequest, number: PathEx[str, NUMBER], body: CompanyStatementsPaymentIn
) -> Status:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    intent = contributions.pay(authority, [s.strip() for s in body.statements], clock.today())
    return Status(201, _payment(intent))


# --- Bulk renewal ------------------------------------------------------------------------------


class CompanyRenewalIn(Schema):
    workers: list[str] = Field(
        max_length=BULK_LIMIT, description=f"the civil IDs of the company's workers (1 to {BULK_LIMIT})"
    )


class CompanyRenewalItemOut(Schema):
    worker_civil_id: str
    name: Text
    outcome: str = Field(description="waiting (not filed yet), filed (see `application`) or refused")
    application: str | None = Field(description="the renewal application's reference, once filed")
    application_state: str | None
    fee: str | None = Field(description="the application's fee (KWD)")
    reason: str | None = Field(
        description="why it was not filed: the stable error code, e.g. application.already_open"
    )


class CompanyRenewalOut(Schema):
    reference: str
    service: str
    created_at: dt.datetime
    finished: bool = Field(description="every worker has an outcome")
    done: int
    total: int
    items: list[CompanyRenewalItemOut]
    to_pay: list[str] = Field(description="the filed applications waiting for their fee")
    to_pay_amount: str = Field(description="their fees together (KWD): `POST …/payment` pays them at once")


def _renewal(view: renewals.RenewalView) -> CompanyRenewalOut:
    r = view.renewal
    return CompanyRenewalOut(
        reference=r.reference,
        service=r.service_code,
        created_at=r.created_at,
        finished=view.finished,
        done=view.done,
        total=len(view.items),
        items=[
            CompanyRenewalItemOut(
                worker_civil_id=i.worker_civil_id,
                name=_text(i.name),
                outcome=i.outcome,
                application=i.application.reference if i.application else None,
                application_state=i.application.state if i.application else None,
                fee=_amount(i.application.fee_fils) if i.application else None,
                reason=i.reason_code or None,
            )
            for i in view.items
        ],
        to_pay=view.to_pay,
        to_pay_amount=_amount(view.to_pay_fils),
    )


@router.post(
    "/companies/{number}/renewals",
    response={202: CompanyRenewalOut} | errors(403, 404, 409),
    summary="Renew many workers' permits in one action",
    description="Files one work-permit renewal per worker in the background (each checked, priced and "
    "decided like any other); `GET …/renewals/{reference}` shows the progress and each worker's outcome, "
    "and a refusal for one worker does not stop the others. Requires an `Idempotency-Key` header: the "
    "same key with the same workers answers the same renewal and files nothing again; with other workers "
    "409 (`idempotency.conflict`). 400 for no worker, too many, or someone not the company's worker; 403 "
    "for a representative whose role does not reach labour services.",
    openapi_extra=header.REQUIRED,
)
def start_renewal(
    request: HttpRequest, response: HttpResponse, number: PathEx[str, NUMBER], body: CompanyRenewalIn
) -> Status:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    renewal = renewals.start(authority, body.workers, request.headers.get(header.NAME, ""))
    response["Location"] = f"/api/v1/companies/{authority.subject}/renewals/{renewal.reference}"
    return Status(202, _renewal(renewals.renewal_of(authority, renewal.reference)))


@router.get(
    "/companies/{number}/renewals/{reference}",
    response={200: CompanyRenewalOut} | errors(404),
    summary="A bulk renewal's progress and each worker's outcome",
    description="Which workers' applications are filed (with their reference, state and fee), refused "
    "(with the reason's code) or still waiting, and the fees to pay at once.",
)
def get_renewal(
    request: HttpRequest, number: PathEx[str, NUMBER], reference: PathEx[str, RENEWAL]
) -> CompanyRenewalOut:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    return _renewal(renewals.renewal_of(authority, reference))


@router.post(
    "/companies/{number}/renewals/{reference}/payment",
    response={201: CompanyPaymentOut} | errors(403, 404, 409),
    summary="Pay a bulk renewal's fees at once: send the payer's browser to payment_url",
    description="One payment for the fees of every application of the renewal waiting for its fee; paid, "
    "each moves on. Asking again gives the same open payment. 403 for a representative whose role does "
    "not include paying; 409 when nothing is waiting for its fee.",
)
def pay_renewal(request: HttpRequest, number: PathEx[str, NUMBER], reference: PathEx[str, RENEWAL]) -> Status:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    view = renewals.renewal_of(authority, reference)
    if not view.to_pay:
        raise Conflict("payment.not_due")
    return Status(201, _payment(baskets.start_for_applications(authority, view.to_pay)))


# --- Representatives ---------------------------------------------------------------------------


class CompanyRepresentativeIn(Schema):
    civil_id: str = Field(max_length=20, description="the representative's civil ID")
    scope: str = Field(max_length=30, description=f"what they may do: {SCOPES}")
    valid_until: dt.date = Field(description="their last day, up to three years from today")


@router.get(
    "/companies/{number}/representatives",
    response={200: list[CompanyRepresentativeOut]} | errors(404),
    summary="The company's representatives",
    description="Those invited or in force, the newest first; with `ended=true` the revoked and expired "
    "ones too.",
)
def representatives(
    request: HttpRequest,
    number: PathEx[str, NUMBER],
    ended: QueryEx[bool, P(description="include revoked and expired roles")] = False,
) -> list[CompanyRepresentativeOut]:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    return [_representative(d) for d in delegates.of_company(authority.subject, ended=ended)]


@router.post(
    "/companies/{number}/representatives",
    response={201: CompanyRepresentativeOut} | errors(403, 404),
    summary="Invite a representative (مندوب المنشأة)",
    description="Gives a person a role for the company, with one scope and a last day; it holds once they "
    "accept it (`POST /me/representations/{id}/accept`). The same invitation again answers the open one. "
    "Only an owner or authorised signatory may (403 for a representative); 400 for an unknown civil ID, "
    "one's own, an unknown scope or a last day past three years.",
)
def invite(request: HttpRequest, number: PathEx[str, NUMBER], body: CompanyRepresentativeIn) -> Status:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    mandate = delegates.grant(
        authority, body.civil_id, body.scope, body.valid_until, address=client_address(request)
    )
    return Status(201, _one(authority.subject, mandate.pk))


def _one(number: str, mandate_id: int) -> CompanyRepresentativeOut:
    found = delegates.of_company(number, ended=True, size=500)
    return _representative(next(d for d in found if d.mandate.pk == mandate_id))


@router.post(
    "/companies/{number}/representatives/{mandate_id}/revoke",
    response={200: CompanyRepresentativeOut} | errors(403, 404, 409),
    summary="End a representative's role (effective at once)",
    description="The representative's very next request for the company is refused. Only an owner or "
    "authorised signatory may (403); 404 for a role not of this company; 409 when it has ended already.",
)
def revoke(
    request: HttpRequest,
    number: PathEx[str, NUMBER],
    mandate_id: PathEx[Id, P(description="the representative's `id`")],
) -> CompanyRepresentativeOut:
    authority = home.company_for(person_of(request), number, address=client_address(request))
    delegates.revoke(authority, mandate_id, address=client_address(request))
    return _one(authority.subject, mandate_id)


# --- The roles I hold --------------------------------------------------------------------------


class CompanyRepresentationOut(Schema):
    id: int
    reference: str
    company: str = Field(description="the company's number: `PUT /me/acting-as` with it to act for it")
    company_name: Text
    scope: str = Field(description=SCOPES)
    scope_text: Text
    valid_from: dt.date
    valid_until: dt.date
    state: str = Field(description="invited (accept it to act) or in_force")


def _representation(d: delegates.Delegation) -> CompanyRepresentationOut:
    m = d.mandate
    return CompanyRepresentationOut(
        id=m.pk,
        reference=m.application_reference,
        company=m.grantor_civil_id,
        company_name=_text(d.company_name),
        scope=m.scope,
        scope_text=_text(d.scope_name),
        valid_from=m.valid_from,
        valid_until=m.valid_until,
        state=d.state,
    )


@router.get(
    "/me/representations",
    response=list[CompanyRepresentationOut],
    summary="Companies I was invited to represent, or represent",
    description="The invitations waiting for my answer and the roles I hold now, with each company's "
    "number and what I may do for it.",
)
def my_representations(request: HttpRequest) -> list[CompanyRepresentationOut]:
    return [_representation(d) for d in delegates.of_person(person_of(request))]


@router.post(
    "/me/representations/{mandate_id}/accept",
    response={200: CompanyRepresentationOut} | errors(404, 409),
    summary="Accept an invitation to represent a company",
    description="From now on I may act for the company within the role (`PUT /me/acting-as`, or the "
    "`/companies/{number}` operations). Accepting again changes nothing. 404 for an invitation not mine; "
    "409 when it has ended or been revoked.",
)
def accept(
    request: HttpRequest, mandate_id: PathEx[Id, P(description="the invitation's `id`")]
) -> CompanyRepresentationOut:
    user = person_of(request)
    delegates.accept(user, mandate_id, address=client_address(request))
    return _representation(next(d for d in delegates.of_person(user) if d.mandate.pk == mandate_id))
