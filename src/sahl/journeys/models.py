"""Life-event journeys (one path through several agencies' services for one event in a person's
life) and the reminders Sahl sends before a document expires.

A journey pins the published version of its definition, as an application pins its service's. Its
steps' states are a fold of what happened, kept in `Step` for reading; `Entry` is the append-only
history of who did what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from sahl.core.append_only import AppendOnly


class JourneyVersion(models.Model):
    """One published version of a journey definition (journeys/definitions/<code>.yaml). Never
    edited once written."""

    code = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    definition = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="one_number_per_journey_version")
        ]
        ordering = ["code", "number"]

    def __str__(self) -> str:
        return f"{self.code} v{self.number}"


class Journey(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("journey", "In progress")
        COMPLETED = "completed", pgettext_lazy("journey", "Completed")

    reference = models.CharField(max_length=16, unique=True)
    version = models.ForeignKey(JourneyVersion, on_delete=models.PROTECT, related_name="journeys")
    code = models.CharField(max_length=40)
    # The register entry that started it (birth:17, marriage:4); "" when a person started it.
    record = models.CharField(max_length=40, blank=True, default="")
    # What the event said, as the steps' conditions and prefills read it (`child`, `birth`, ...).
    facts = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    # When the life event happened (the birth, the marriage): the clock of the statistics.
    happened_on = models.DateField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One journey per register entry, however often its event is heard.
            models.UniqueConstraint(
                fields=["code", "record"], condition=~models.Q(record=""), name="one_journey_per_record"
            )
        ]
        indexes = [models.Index(fields=["code", "state"])]

    def __str__(self) -> str:
        return f"journey {self.reference}"


class Member(models.Model):
    """Someone the journey is for, in a role of its definition (mother, father, husband, wife)."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="members")
    civil_id = models.CharField(max_length=12)
    role = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "civil_id"], name="one_membership_per_person")
        ]
        indexes = [models.Index(fields=["civil_id", "journey"])]

    def __str__(self) -> str:
        return f"member {self.pk}"


class Step(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("journey step", "Waiting for an earlier step")
        WAITING_FOR_YOU = "waiting_for_you", pgettext_lazy("journey step", "Waiting for you")
        OFFERED = "offered", pgettext_lazy("journey step", "Offered to you")
        IN_PROGRESS = "in_progress", pgettext_lazy("journey step", "In progress")
        DONE = "done", pgettext_lazy("journey step", "Done")
        NOT_APPLICABLE = "not_applicable", pgettext_lazy("journey step", "Does not apply")
        FAILED = "failed", pgettext_lazy("journey step", "Did not go through")

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    # Why it does not apply, or why it failed and what to do next (both languages).
    reason_ar = models.TextField(blank=True, default="")
    reason_en = models.TextField(blank=True, default="")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "key"], name="one_step_per_key")]
        indexes = [models.Index(fields=["application"])]
        ordering = ["journey", "position"]

    def __str__(self) -> str:
        return f"step {self.pk}"


class Entry(AppendOnly):
    """One thing that happened on a journey: rows are only ever added."""

    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(auto_now_add=True)
    step = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=20)  # started, step state (done, offered...), confirmed
    # Who acted: a member's civil ID, or "" for Sahl itself (a step that ran by itself).
    actor_civil_id = models.CharField(max_length=12, blank=True, default="")
    application_reference = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["journey", "at", "pk"]

    def __str__(self) -> str:
        return f"journey entry {self.pk}"


class Reminder(models.Model):
    """One person told once that one document expires soon, at one threshold (days before).

    Unique per document, expiry and threshold and person: a second sweep finds the row and tells
    nobody again; a renewed document has a new expiry, and the old one's rows stay as they were."""

    class Outcome(models.TextChoices):
        # announced to the person's account (notifications writes and sends the message)
        TOLD = "told", pgettext_lazy("reminder", "Sent")
        # kept for a person without an account: nobody to tell in Sahl
        NO_ACCOUNT = "no_account", pgettext_lazy("reminder", "Not sent: no account")
        # a farther threshold of a document first seen nearer: never told for this expiry
        PASSED = "passed", pgettext_lazy("reminder", "Passed")

    record = models.CharField(max_length=40)  # the register document (passport:17)
    document = models.CharField(max_length=24)  # its kind (passport, vehicle_registration...)
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    civil_id = models.CharField(max_length=12)  # who is told
    holder_civil_id = models.CharField(max_length=12)  # whose document (a child's, for a guardian)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.TOLD)
    renew = models.CharField(max_length=60, blank=True, default="")  # the service the message linked to
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "expires_on", "days_before", "civil_id"], name="one_reminder_per_threshold"
            )
        ]
        indexes = [models.Index(fields=["civil_id", "expires_on"])]

    def __str__(self) -> str:
        return f"reminder {self.pk}"
