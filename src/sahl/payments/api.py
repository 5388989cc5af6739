"""Paying through the API: start a payment and send the person's browser to `payment_url`; read a
basket (one payment for several dues)."""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import P, PathEx, Router, Schema, Status
from ninja.security import django_auth

from sahl.applications import reading
from sahl.core.api_schemas import Text, errors
from sahl.core.money import Money
from sahl.mandates.current import acting_of
from sahl.payments import baskets, services

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


class BasketItemOut(Schema):
    title: Text
    application: str | None
    due_reference: str | None
    amount: str


class BasketOut(Schema):
    reference: str
    state: str
    agency: str
    amount: str
    currency: str
    items: list[BasketItemOut]
    payment_url: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refunded_at: dt.datetime | None
    receipt: str | None


BASKET = P(description="the payment's reference, e.g. PAY-1A2B3C4D5E6F")


@router.get(
    "/payments/{reference}",
    response={200: BasketOut} | errors(404),
    summary="A payment of several dues (a basket)",
    description="What one payment pays at once (several applications' fees, or dues such as a company's "
    "monthly statements), its state, the gateway's page while it is open and, once paid, the address of "
    "its receipt. Only to the person or company it was paid for (404 for anyone else).",
)
def get_basket(request: HttpRequest, reference: PathEx[str, BASKET]) -> BasketOut:
    intent = baskets.basket_for(acting_of(request), reference)
    return BasketOut(
        reference=intent.reference,
        state=intent.state,
        agency=intent.agency.code,
        amount=Money(intent.amount_fils).amount,
        currency=intent.currency,
        items=[
            BasketItemOut(
                title=Text(ar=item.title_ar, en=item.title_en),
                application=item.application.reference if item.application else None,
                due_reference=item.due_reference or None,
                amount=Money(item.amount_fils).amount,
            )
            for item in baskets.items_of(intent)
        ],
        payment_url=intent.payment_url if intent.state == "pending" else "",
        created_at=intent.created_at,
        paid_at=intent.paid_at,
        refunded_at=intent.refunded_at,
        receipt=reverse("payments:basket_receipt", args=[intent.reference]) if intent.receipt else None,
    )
