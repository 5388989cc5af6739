from __future__ import annotations

from django.db import models


class SimulatedSms(models.Model):
    """What the simulated SMS gateway 'sent' (the dev outbox shows it). One row per reference."""

    reference = models.CharField(max_length=120, unique=True)
    to = models.CharField(max_length=16)
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"simulated sms {self.pk}"
