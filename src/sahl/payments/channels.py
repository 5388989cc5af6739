"""Refunds at the payment gateway as an outbox channel: sent outside any transaction, retried while
the gateway does not answer, and recorded on the payment once it went through."""

from __future__ import annotations

from dataclasses import dataclass

from sahl.core.money import Money
from sahl.outbox.channels import Outcome, Retry, Sent
from sahl.outbox.models import Delivery
from sahl.payments import services
from sahl.payments.adapters import GatewayUnavailable, gateway
from sahl.payments.models import PaymentIntent


@dataclass(frozen=True)
class RefundCall:
    payment_id: str
    amount: Money
    done_already: bool


class RefundChannel:
    name = "refund"
    resend_when_cut_off = True  # the gateway refunds a payment once, whatever the number of asks

    def prepare(self, delivery: Delivery) -> RefundCall:
        intent = PaymentIntent.objects.get(pk=delivery.payload["intent_id"])
        done = intent.state == PaymentIntent.State.REFUNDED
        return RefundCall(intent.gateway_payment_id, Money(intent.amount_fils), done)

    def send(self, prepared: RefundCall) -> Outcome:
        if prepared.done_already:
            return Sent({"note": "already refunded"})
        try:
            gateway().refund(prepared.payment_id, prepared.amount)
        except GatewayUnavailable:
            return Retry("gateway unavailable")
        return Sent()

    def settled(self, delivery: Delivery) -> None:
        intent_id = int(delivery.payload["intent_id"])
        if delivery.state == Delivery.State.SENT:
            services.refunded(intent_id)
        else:
            services.refund_not_done(intent_id, str(delivery.state))
