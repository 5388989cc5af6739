"""The payments of the person's own applications, for their "My data" export: the applications'
section shows them in each case (applications.personal_data.payments_from, from
`PaymentsConfig.ready`)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Prefetch
from django.urls import reverse

from sahl.applications.personal_data import Payment, Refund
from sahl.core.personal_data import amount
from sahl.payments.models import PaymentEvent, PaymentIntent


def payments_of(references: Mapping[int, str]) -> dict[int, list[Payment]]:
    """Each application's payments with their events, oldest first (2 queries)."""
    found: dict[int, list[Payment]] = {}
    intents = (
        PaymentIntent.objects.filter(application_id__in=list(references))
        .prefetch_related(Prefetch("events", queryset=PaymentEvent.objects.order_by("at", "pk")))
        .order_by("created_at", "pk")
    )
    for intent in intents:
        if intent.application_id is None:  # a basket (never among these: they are found by application)
            continue
        found.setdefault(intent.application_id, []).append(
            _payment(references[intent.application_id], intent)
        )
    return found


def _payment(reference: str, intent: PaymentIntent) -> Payment:
    refund: Refund | None = None
    if intent.state == PaymentIntent.State.REFUNDED and intent.refunded_at is not None:
        refund = {
            "amount": amount(intent.amount_fils),
            "currency": intent.currency,
            "refunded_at": intent.refunded_at,
        }
    return {
        "reference": intent.reference,
        "amount": amount(intent.amount_fils),
        "currency": intent.currency,
        "state": intent.state,
        "created_at": intent.created_at,
        "paid_at": intent.paid_at,
        "refund": refund,
        "receipt": reverse("payments:receipt", args=[reference, intent.pk]) if intent.receipt else None,
        "events": [{"at": e.at, "kind": e.kind} for e in intent.events.all()],
    }
