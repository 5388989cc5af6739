"""The caseworkers' queue as a read model (ADR 0046): one prepared row per open case."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from sahl.applications.states import State

# Where a case without a service-level clock sorts: after every dated one (a key that is never
# null keeps the queue's keyset one range, one query, however the pages fall).
NO_DUE_DATE = dt.date.max


class QueueEntry(models.Model):
    """A case the agency works on (in review, or waiting for the applicant), holding what the
    queue shows, filters and sorts on, so that a page is one read of this table by an index that
    starts with the agency. Written only by `backoffice.queue` (the events' listener, the rebuild);
    the row goes when the case leaves the queue (decided, withdrawn, cancelled)."""

    application = models.OneToOneField(
        "applications.Application", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    reference = models.CharField(max_length=20)
    agency = models.ForeignKey(
        "catalogue.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # first in every index below
    service_code = models.CharField(max_length=80)
    service_name_ar = models.CharField(max_length=200)
    service_name_en = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices)
    due_on = models.DateField(null=True, blank=True, help_text="the service-level due date shown")
    due_sort = models.DateField(help_text="the due date, or NO_DUE_DATE: the queue's order")
    submitted_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # found through queue_by_assignee, with the agency
    )
    assignee_name_ar = models.CharField(max_length=200, blank=True)
    assignee_name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        # The queue's orderings, each read in index order from the agency's first urgent case (or
        # from a page's cursor): everything, one service, the caseworker's own cases.
        indexes = [
            models.Index(fields=["agency", "due_sort", "submitted_at", "application"], name="queue_by_due"),
            models.Index(
                fields=["agency", "service_code", "due_sort", "submitted_at", "application"],
                name="queue_by_service",
            ),
            models.Index(
                fields=["agency", "assignee", "due_sort", "submitted_at", "application"],
                name="queue_by_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} in the queue"
