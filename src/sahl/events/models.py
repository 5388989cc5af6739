"""The event log and each subscriber's handling of each event."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from sahl.core.append_only import AppendOnly


class Event(AppendOnly):
    """One domain event, written in the transaction of the change it announces. Never changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=60, help_text="e.g. application.decided (events.types)")
    version = models.PositiveSmallIntegerField(default=1)
    subject = models.CharField(
        max_length=80, blank=True, help_text="what it is about, e.g. application:<ref>"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict, help_text="identifiers only, never personal details")

    class Meta(AppendOnly.Meta):
        indexes = [models.Index(fields=["type", "occurred_at"]), models.Index(fields=["subject"])]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Handling(models.Model):
    """One subscriber's work on one event: done once, retried with backoff when it fails."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"  # waiting for its task
        DONE = "done", "done"  # handled, in the transaction that recorded it
        FAILING = "failing", "failing"  # raised; tried again at next_attempt_at
        GAVE_UP = "gave_up", "gave up"  # failed too often: waits for an operator's retry

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="handlings")
    subscriber = models.CharField(max_length=120, help_text="module.function of the listener")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(
        max_length=120, blank=True, help_text="the exception's class, never its text"
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="the queued task that will run it")
    handled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="one_handling_per_subscriber")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.event_id}"
