"""Paying fees: one payment intent per attempt, at most one open or paid per application."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sahl.core.append_only import AppendOnly


class PaymentIntent(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "pending"  # sent to the gateway; the person is on its page
        PAID = "paid", "paid"  # the gateway captured the money (final, except a refund)
        DECLINED = "declined", "declined"  # the bank refused; a new attempt may start
        CANCELLED = "cancelled", "cancelled"  # the person cancelled on the gateway page
        FAILED = "failed", "failed"  # no result came; the gateway's inquiry said it was not captured
        EXPIRED = "expired", "expired"  # no result in time; a late capture still counts
        REFUNDED = "refunded", "refunded"  # the money went back to the person

    reference = models.CharField(max_length=40, unique=True, help_text="our track id at the gateway")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="payments"
    )
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+")
    amount_fils = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="KWD")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    gateway_payment_id = models.CharField(max_length=40, blank=True)
    payment_url = models.URLField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    inquired_at = models.DateTimeField(null=True, blank=True, help_text="when the gateway was last asked")
    inquiry = models.CharField(max_length=10, blank=True, help_text="what the gateway last answered")
    receipt = models.FileField(upload_to="receipts/", blank=True)

    class Meta:
        constraints = [
            # Two tabs, two clicks, two workers: never two live attempts, never two charges.
            models.UniqueConstraint(
                fields=["application"], condition=Q(state__in=["pending", "paid"]), name="one_live_payment"
            )
        ]
        indexes = [models.Index(fields=["agency", "paid_at"])]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(AppendOnly):
    """What happened to payments, including results that were refused. Rows are only ever added."""

    intent = models.ForeignKey(PaymentIntent, null=True, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=30)
    detail = models.CharField(max_length=200, blank=True)

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.intent_id}"
