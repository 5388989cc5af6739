"""A client's write kept by its Idempotency-Key, with the answer it was given (ADR 0012)."""

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One write of one caller under one key: the fingerprint of what was asked and what was
    answered. The same caller, key and fingerprint answer the same again; another fingerprint is
    refused. Kept for a day or more, then swept (`idempotency_sweep`)."""

    # Whose key space the key is in: "person:<user id>" (the people's API and pages, keyed by the
    # person acting), "agency:<agency code>" (an agency's system). Two callers may use one key.
    caller = models.CharField(max_length=60)
    key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)  # SHA-256 (hex) of what was asked
    status_code = models.PositiveSmallIntegerField(default=0)  # 0 while the work runs
    response = models.JSONField(default=dict)  # the answer's body (a person's: the reference)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="one_request_per_caller_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_age")]

    def __str__(self) -> str:
        return f"idempotent request {self.pk}"
