"""Paying through the API: start a payment and send the person's browser to `payment_url`."""

import datetime as dt

from django.http import HttpRequest
from ninja import P, PathEx, Router, Schema, Status
from ninja.security import django_auth

from sahl.applications import reading
from sahl.core.api_schemas import errors
from sahl.core.money import Money
from sahl.mandates.current import acting_of
from sahl.payments import services

router = Router(tags=["payments"], auth=django_auth)


class PaymentOut(Schema):
    id: int
    reference: str
    state: str
    amount: str
    currency: str
    payment_url: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refunded_at: dt.datetime | None
    receipt: str | None


REFERENCE = P(description="the application's reference, e.g. 2026-0000123")


def _out(application_reference: str, intent: services.PaymentIntent) -> PaymentOut:
    return PaymentOut(
        id=intent.pk,
        reference=intent.reference,
        state=intent.state,
        amount=Money(intent.amount_fils).amount,
        currency=intent.currency,
        payment_url=intent.payment_url,
        created_at=intent.created_at,
        paid_at=intent.paid_at,
        refunded_at=intent.refunded_at,
        receipt=f"/applications/{application_reference}/receipts/{intent.pk}" if intent.receipt else None,
    )


@router.get(
    "/applications/{reference}/payments",
    response={200: list[PaymentOut]} | errors(404),
    summary="Payments of my application",
    description="Every payment attempt of the application's fee, newest first, with its state and, once "
    "paid, the address of its receipt.",
)
def list_payments(request: HttpRequest, reference: PathEx[str, REFERENCE]) -> list[PaymentOut]:
    application = reading.application_for(acting_of(request), reference)
    return [_out(reference, intent) for intent in services.for_application(application)]


@router.post(
    "/applications/{reference}/payments",
    response={201: PaymentOut} | errors(404, 409),
    summary="Start paying the fee (or get the live attempt): send the person's browser to payment_url",
    description="Opens a payment at the gateway (or gives the attempt still open); the person pays on the "
    "gateway's page and comes back to Sahl. 409 when no fee is due or it is already paid.",
)
def start_payment(request: HttpRequest, reference: PathEx[str, REFERENCE]) -> Status:
    return Status(201, _out(reference, services.start(acting_of(request), reference)))
