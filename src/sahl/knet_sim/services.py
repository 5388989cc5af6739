"""The simulated gateway's use cases: start a payment for a merchant, take the card, report, refund."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sahl.core.errors import BadInput, NotFound
from sahl.core.signing import sign, verify
from sahl.knet_sim.models import SimPayment
from sahl.knet_sim.rules import outcome


def _secret() -> str:
    return str(settings.SAHL_KNET_SECRET)


def check_merchant(payload: dict[str, Any], signature: str) -> None:
    if not verify(payload, signature, _secret()):
        raise BadInput("request.forbidden")


def initiate(payload: dict[str, Any]) -> SimPayment:
    """A merchant asks for a payment page (the same reference twice gives the same payment)."""
    reference = str(payload["reference"])
    existing = SimPayment.objects.filter(merchant_reference=reference).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return SimPayment.objects.create(
                payment_id=secrets.token_hex(8).upper(),
                merchant_reference=reference,
                amount=str(payload["amount"]),
                currency=str(payload["currency"]),
                return_url=str(payload["return_url"]),
                callback_url=str(payload["callback_url"]),
            )
    except IntegrityError:  # the same reference arrived twice at once: one payment
        return SimPayment.objects.get(merchant_reference=reference)


def payment(payment_id: str) -> SimPayment:
    found = SimPayment.objects.filter(payment_id=payment_id).first()
    if found is None:
        raise NotFound("page.not_found")
    return found


def by_reference(reference: str) -> SimPayment | None:
    return SimPayment.objects.filter(merchant_reference=reference).first()


def result_of(found: SimPayment) -> dict[str, Any]:
    """The signed result the merchant receives (callback and browser return carry the same)."""
    body = {
        "payment_id": found.payment_id,
        "reference": found.merchant_reference,
        "amount": found.amount,
        "currency": found.currency,
        "result": found.state,
        "at": (found.result_at or timezone.now()).isoformat(),
    }
    return body | {"signature": sign(body, _secret())}


def pay(payment_id: str, card_number: str, expiry: str, pin: str) -> SimPayment:
    """Charge once: a payment that already has a result keeps it, whatever is submitted again."""
    from sahl.knet_sim.tasks import deliver_result

    with transaction.atomic():
        found = SimPayment.objects.select_for_update().get(pk=payment(payment_id).pk)
        if found.state != SimPayment.State.INITIATED:
            return found
        found.state = outcome(card_number, expiry, pin)
        found.card_last4 = card_number.replace(" ", "")[-4:]
        found.result_at = timezone.now()
        found.save()
        if found.state != SimPayment.State.TIMEOUT:
            deliver_result.enqueue(found.payment_id, 1)
    return found


def cancel(payment_id: str) -> SimPayment:
    from sahl.knet_sim.tasks import deliver_result

    with transaction.atomic():
        found = SimPayment.objects.select_for_update().get(pk=payment(payment_id).pk)
        if found.state == SimPayment.State.INITIATED:
            found.state = SimPayment.State.CANCELLED
            found.result_at = timezone.now()
            found.save()
            deliver_result.enqueue(found.payment_id, 1)
    return found


def refund(payment_id: str, amount: str) -> SimPayment:
    with transaction.atomic():
        found = SimPayment.objects.select_for_update().get(pk=payment(payment_id).pk)
        if found.state == SimPayment.State.REFUNDED:
            return found
        if found.state != SimPayment.State.CAPTURED or amount != found.amount:
            raise BadInput("request.bad")
        found.state = SimPayment.State.REFUNDED
        found.refunded_at = timezone.now()
        found.save()
    return found


def report(day: str) -> list[dict[str, str]]:
    """Captured (and later refunded) payments whose result came on that day (Kuwait time)."""
    rows = SimPayment.objects.filter(
        state__in=[SimPayment.State.CAPTURED, SimPayment.State.REFUNDED], result_at__date=day
    ).order_by("result_at")
    return [
        {"payment_id": p.payment_id, "reference": p.merchant_reference, "amount": p.amount, "state": p.state}
        for p in rows
    ]
