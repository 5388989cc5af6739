"""Everything that leaves Sahl: one row per thing to send (an e-mail, an SMS, an application to an
agency's system, a refund at the payment gateway), every attempt at it, and each destination's
circuit breaker."""

from __future__ import annotations

import uuid

from django.db import models

from sahl.core.append_only import AppendOnly


class Delivery(models.Model):
    """One thing to send through one channel. Written in the transaction of the change that needs
    it; sent by a worker outside any transaction; its state is what operators and people see."""

    class State(models.TextChoices):
        QUEUED = "queued", "queued"  # on record, its task waiting
        SENDING = "sending", "sending"  # claimed by a worker, being handed over
        SENT = "sent", "sent"  # the other side took it (an agency: accepted, pending or rejected)
        RETRYING = "retrying", "retrying"  # not taken; tried again at next_attempt_at
        FAILED = "failed", "failed permanently"  # refused, or too many attempts: an operator decides
        UNCERTAIN = "uncertain", "uncertain"  # cut off mid-send: may have gone; never resent by itself

    key = models.UUIDField(
        default=uuid.uuid4, unique=True, help_text="stable: the other side de-duplicates on it"
    )
    channel = models.CharField(max_length=20, help_text="email, sms, agency, refund (outbox.channels)")
    destination = models.CharField(max_length=60, help_text="who receives it; one circuit breaker each")
    address = models.CharField(max_length=254, blank=True, help_text="an e-mail address or a phone")
    topic = models.CharField(max_length=60, help_text="what it is about, e.g. message:12, application:7")
    payload = models.JSONField(default=dict, help_text="what the channel needs to send it")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=10)
    timeout_seconds = models.FloatField(default=10.0, help_text="of one attempt; a claim older is stale")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="an attempt in progress")
    task_id = models.CharField(max_length=64, blank=True, help_text="the queued task that will try it")
    last_error = models.CharField(max_length=300, blank=True, help_text="short, never personal data")
    result = models.JSONField(default=dict, blank=True, help_text="what the other side answered")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["topic"]),
            models.Index(fields=["channel", "-created_at"]),
            models.Index(fields=["destination", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} delivery {self.pk}"


class Attempt(AppendOnly):
    """One try of a delivery: when, how long, what came back (never the body that was sent)."""

    class Outcome(models.TextChoices):
        SENT = "sent", "sent"
        RETRY = "retry", "failed, will retry"
        FAILED = "failed", "failed permanently"
        UNCERTAIN = "uncertain", "uncertain"
        SKIPPED = "skipped", "skipped: circuit breaker open"
        CUT_OFF = "cut_off", "cut off: the worker stopped mid-attempt"

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"attempt {self.pk}"


class Destination(models.Model):
    """A circuit breaker: after a run of failures the destination is left alone until
    `open_until`; one trial attempt then decides (half-open)."""

    name = models.CharField(max_length=60, unique=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
