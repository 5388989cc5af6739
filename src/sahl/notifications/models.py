"""Notifications: the person's inbox, the deliveries of each message by e-mail and SMS, and the
official notices agencies send, with their append-only log of delivery and reading."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from sahl.core.append_only import AppendOnly


class Notice(models.Model):
    """An official notice (e.g. a court summons) an agency sends to a civil ID."""

    reference = models.CharField(max_length=20, unique=True, help_text="shown to people, e.g. N-2026-0000001")
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="notices")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    civil_id = models.CharField(
        max_length=12, help_text="the addressee; kept even before they have an account"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "-created_at"])]

    def __str__(self) -> str:
        return self.reference


class NoticeRecipient(models.Model):
    """One person a notice goes to: the addressee, or a guardian of a minor addressee."""

    class Role(models.TextChoices):
        ADDRESSEE = "addressee", "addressee"  # the person the notice is about
        FATHER = "father", "father"  # guardian of a minor addressee (population register)
        MOTHER = "mother", "mother"  # guardian of a minor addressee (population register)

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="recipients")
    civil_id = models.CharField(max_length=12)
    role = models.CharField(max_length=12, choices=Role.choices)
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="in the inbox; empty while the person has no account"
    )
    read_at = models.DateTimeField(null=True, blank=True, help_text="first opened by the person")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "civil_id"], name="one_recipient_row_per_person")
        ]
        indexes = [models.Index(fields=["civil_id", "delivered_at"])]

    def __str__(self) -> str:
        return f"{self.role} of notice {self.notice_id}"


class NoticeLog(AppendOnly):
    """Proof of what happened to a notice: who, what, when. Rows are only ever added."""

    class Event(models.TextChoices):
        SENT = "sent", "sent"  # the agency sent it (actor: the staff member)
        WAITING = "waiting", "waiting"  # the recipient has no account yet; delivered when they open one
        DELIVERED = "delivered", "delivered"  # in the recipient's inbox
        CHANNEL_SENT = "channel_sent", "channel sent"  # the e-mail or SMS alert was accepted by the provider
        CHANNEL_FAILED = "channel_failed", "channel failed"  # the alert could not be sent
        CHANNEL_UNCERTAIN = "channel_uncertain", "channel uncertain"  # may or may not have gone
        READ = "read", "read"  # the recipient opened it for the first time

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    event = models.CharField(max_length=20, choices=Event.choices)
    role = models.CharField(max_length=12, blank=True, help_text="which recipient, by role")
    channel = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.event} on notice {self.notice_id}"


class Message(models.Model):
    """One message in one person's inbox, written in both languages (ADR 0034): its e-mail and SMS
    went out in `language`, the person's language then; the inbox shows it in the page's language."""

    class Kind(models.TextChoices):
        APPLICATION = "application", "application"  # a change on an application (or its payment)
        NOTICE = "notice", "notice"  # an official notice from an agency
        COMPLAINT = "complaint", "complaint"  # a step in the handling of a report (Ballegh)
        REMINDER = "reminder", "reminder"  # a document nearing its expiry (journeys' reminders)
        JOURNEY = "journey", "journey"  # a life-event journey started, or one of its steps moved
        SERVICE = "service", "service"  # a service definition the person submitted was published or returned
        STAFF = "staff", "staff"  # a role on an agency's staff given or ended

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    event = models.CharField(max_length=30, help_text="the template it was rendered from")
    language = models.CharField(max_length=2, help_text="the person's language when it was sent")
    subject = models.CharField(max_length=300, help_text="in `language`, as e-mailed")
    body = models.TextField()
    other_subject = models.CharField(
        max_length=300, blank=True, help_text="in the other language; empty on older messages"
    )
    other_body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True, help_text="a path in Sahl")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notice_recipient = models.OneToOneField(
        NoticeRecipient, null=True, blank=True, on_delete=models.PROTECT, related_name="message"
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="delivered to the inbox")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"

    def reading(self, language: str, *, with_body: bool = True) -> Reading:
        """The message as a person reads it in `language`: in that language when it was written in
        both, else (older messages) in the one it was written in, marked as such. A list of
        subjects asks without the body (it did not load it)."""
        if language == self.language or not self.other_subject:
            return Reading(self.language, self.subject, self.body if with_body else "")
        other = "en" if self.language == "ar" else "ar"
        return Reading(other, self.other_subject, self.other_body if with_body else "")


@dataclass(frozen=True)
class Reading:
    language: str  # what the text is in (the page marks it with lang when it differs)
    subject: str
    body: str


class PushSubscription(models.Model):
    """One device (a browser) that agreed to show Sahl's notifications: where its push service takes
    them, and the keys they are encrypted to (RFC 8291). Removed by the person, or when the push
    service says the subscription is gone (404, 410)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000, unique=True, help_text="the push service's address for it")
    p256dh = models.CharField(max_length=100, help_text="the browser's public key, base64url")
    auth = models.CharField(max_length=40, help_text="the browser's authentication secret, base64url")
    label = models.CharField(max_length=80, help_text="which device, as its browser names itself")
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True, help_text="last taken by its push service")

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"
