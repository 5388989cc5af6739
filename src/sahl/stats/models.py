"""The prepared counters behind the public statistics (ADR 0060): one row per kind of thing counted,
month, agency, subject and, where a duration is counted, its number of days. A page reads these rows
only; the big tables (accounts, applications, payments, journeys, complaints) are never counted on
a page view. Written by `stats.counting` (the listeners, in the transaction of the change) and by
`stats.rebuilding` (from the truth)."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    ACCOUNTS = "accounts", "accounts opened"  # by the month the account was opened
    COMPLETED = "completed", "applications completed"  # agency and service
    DECIDED = "decided", "applications decided"  # agency, days from submission, within its level
    PAYMENTS = "payments", "fees captured"  # agency; count and amount
    JOURNEYS_STARTED = "journeys_started", "journeys started"  # the journey's code
    JOURNEYS_COMPLETED = "journeys_completed", "journeys completed"  # code, days from the event
    COMPLAINTS_FILED = "complaints_filed", "reports filed"
    COMPLAINTS_RESOLVED = "complaints_resolved", "reports resolved"


class Level(models.IntegerChoices):
    """Whether a decision came within the service level (the application's due date)."""

    NONE = -1, "no service level"  # no clock ran (e.g. decided at once by the rules)
    LATE = 0, "after the due date"
    WITHIN = 1, "on or before the due date"


SLOTS = 8


class Counter(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    month = models.DateField(help_text="the first day of the month, on Kuwait's calendar")
    agency = models.CharField(max_length=20, blank=True, default="", help_text="the agency's code")
    subject = models.CharField(
        max_length=80, blank=True, default="", help_text="the service's or the journey's code"
    )
    days = models.SmallIntegerField(default=-1, help_text="a duration in whole days (capped); -1: none")
    level = models.SmallIntegerField(choices=Level.choices, default=Level.NONE)
    # A key's count is spread over a few rows, so that changes committing at the same moment (every
    # automatic certificate of a month adds to the same key) do not wait on one row's lock. Readers
    # add the slots up.
    slot = models.SmallIntegerField(default=0, help_text="which of the key's rows (0 to SLOTS - 1)")
    count = models.BigIntegerField(default=0)
    amount_fils = models.BigIntegerField(default=0, help_text="payments: the amount, in fils")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "agency", "subject", "days", "level", "slot"],
                name="one_counter_per_key_and_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m} {self.agency} {self.subject}: {self.count}"
