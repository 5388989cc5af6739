"""Complaints ("Ballegh", بلّغ): what people report to any agency, where, with what media; where it
was routed; and everything that happened to it, append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sahl.core.append_only import AppendOnly
from sahl.core.bilingual import BilingualText


class Topic(models.Model):
    """A node of the bilingual category tree people choose from. A leaf belongs to an agency (and
    optionally one of its units) and has a service level; inner nodes only group."""

    code = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_ar = models.CharField(max_length=160)
    name_en = models.CharField(max_length=160)
    agency = models.ForeignKey(
        "catalogue.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="topics"
    )
    unit_ar = models.CharField(max_length=160, blank=True)
    unit_en = models.CharField(max_length=160, blank=True)
    working_days = models.PositiveSmallIntegerField(default=5, help_text="service level: days to resolve")
    resolution_photo = models.BooleanField(default=False, help_text="resolving needs a photo of the fix")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> BilingualText:
        return BilingualText(self.name_ar, self.name_en)

    @property
    def is_leaf(self) -> bool:
        return self.agency_id is not None


class RoutingRule(models.Model):
    """One rule of the ordered routing table: the first rule whose conditions all hold sends the
    complaint to its agency and unit. Empty conditions match anything."""

    position = models.PositiveIntegerField(unique=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    governorate = models.CharField(max_length=5, blank=True)
    area = models.CharField(max_length=40, blank=True)
    keywords = models.CharField(
        max_length=400, blank=True, help_text="any of these words (Arabic or English)"
    )
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+")
    unit_ar = models.CharField(max_length=160, blank=True)
    unit_en = models.CharField(max_length=160, blank=True)
    topic_to = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="re-file under it"
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"routing rule {self.position}"


class Complaint(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", "received"  # filed and routed; the clock runs
        ACKNOWLEDGED = "acknowledged", "acknowledged"  # the agency took it on
        WAITING_FOR_REPORTER = "waiting", "waiting for the reporter"  # a question was asked; clock paused
        RESOLVED = "resolved", "resolved"  # with a resolution note; may be reopened once
        CLOSED = "closed", "closed"  # resolved and rated, or resolved long ago

    reference = models.CharField(max_length=20, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="complaints")
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="complaints")
    unit_ar = models.CharField(max_length=160, blank=True)
    unit_en = models.CharField(max_length=160, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        help_text="the person logged in to Sahl; empty when filed through an Open311 client",
    )
    source = models.CharField(max_length=40, default="portal", help_text="portal, or open311:<client>")
    # What an Open311 client passed about the reporter: personal data, never in a public answer.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    description = models.TextField(max_length=2000)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    governorate = models.CharField(max_length=5)
    area = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    due_on = models.DateField()
    paused_since = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    reopened = models.BooleanField(default=False, help_text="a complaint can be reopened once")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5, by the reporter")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "state", "due_on"]),
            models.Index(fields=["topic", "state", "latitude", "longitude"]),
            models.Index(fields=["reporter", "-created_at"]),
            models.Index(fields=["governorate", "area"]),
            models.Index(fields=["created_at"]),  # Open311's date filters, the statistics
        ]

    def __str__(self) -> str:
        return self.reference


class Follower(models.Model):
    """Someone who joined an open complaint instead of filing a duplicate: they hear what happens."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "user"], name="one_follow_per_person")]

    def __str__(self) -> str:
        return f"follower of {self.complaint_id}"


def media_path(instance: Media, filename: str) -> str:
    return f"complaints/{instance.complaint_id}/{instance.sha256[:16]}.{instance.extension}"


class Media(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", "photo"
        VOICE = "voice", "voice note"
        RESOLUTION = "resolution", "photo of the fix"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=media_path)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"media {self.pk}"


class Event(AppendOnly):
    """One thing that happened to a complaint. Rows are only ever added."""

    class Kind(models.TextChoices):
        FILED = "filed", "filed"
        ROUTED = "routed", "routed"
        JOINED = "joined", "someone joined"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        QUESTION = "question", "question to the reporter"
        ANSWER = "answer", "answer from the reporter"
        FORWARDED = "forwarded", "forwarded to another agency"
        RESOLVED = "resolved", "resolved"
        REOPENED = "reopened", "reopened"
        RATED = "rated", "rated"
        ESCALATED = "escalated", "escalated to a supervisor"
        CLOSED = "closed", "closed"

    # PROTECT: a complaint with history is never deleted (see AppendOnly).
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=14, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "catalogue.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.complaint_id}"
