"""A company's bulk renewals: one action that files one application per chosen worker. The
applications themselves are ordinary ones (applications.filing); these rows remember what was
asked, so the same request again creates nothing new, and show each worker's outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Renewal(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    company_number = models.CharField(max_length=12)
    service_code = models.CharField(max_length=80)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=80, help_text="the actor's idempotency key for this request")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="every worker has an outcome")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="one_renewal_per_key")]
        indexes = [models.Index(fields=["company_number", "-created_at"])]

    def __str__(self) -> str:
        return self.reference


class RenewalItem(models.Model):
    class Outcome(models.TextChoices):
        WAITING = "waiting", "waiting"  # not filed yet
        FILED = "filed", "filed"  # an application exists (its own state says the rest)
        REFUSED = "refused", "refused"  # not filed: the reason says why

    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="items")
    worker_civil_id = models.CharField(max_length=12)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    application_reference = models.CharField(max_length=20, blank=True)
    reason_code = models.CharField(max_length=60, blank=True)
    reason = models.JSONField(default=dict, blank=True, help_text="why it was refused, as {ar, en}")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["renewal", "worker_civil_id"], name="one_item_per_worker")
        ]

    def __str__(self) -> str:
        return f"renewal item {self.pk}"
