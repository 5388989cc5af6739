"""The simulated gateway's own ledger (it is a separate system: nothing in Sahl reads these)."""

from __future__ import annotations

from django.db import models


class SimPayment(models.Model):
    class State(models.TextChoices):
        INITIATED = "initiated", "initiated"
        CAPTURED = "CAPTURED", "captured"
        DECLINED = "DECLINED", "declined"
        CANCELLED = "CANCELLED", "cancelled"
        TIMEOUT = "TIMEOUT", "timed out"
        REFUNDED = "REFUNDED", "refunded"

    payment_id = models.CharField(max_length=32, unique=True)
    merchant_reference = models.CharField(max_length=40, unique=True)
    amount = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    return_url = models.URLField(max_length=400)
    callback_url = models.URLField(max_length=400)
    state = models.CharField(max_length=10, choices=State.choices, default=State.INITIATED)
    card_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    result_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    callbacks_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.payment_id
