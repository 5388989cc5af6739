"""The audit log: security events and reads of a person's data, append-only and chained by a keyed MAC
(docs/adr/0024-audit-mac-and-checkpoints.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sahl.core.append_only import AppendOnly


class AuditEntry(AppendOnly):
    """One event. `hash` is HMAC-SHA-256, under the audit key named by `key_id`, of the canonical
    JSON of the entry's fields and the hash of the entry before (`previous_hash`): changing or
    removing a row breaks the chain, and nobody without the key can mend it. Entries written before
    the key (`key_id` empty) carry plain SHA-256; the `chain_keyed` entry after them pins them."""

    class Kind(models.TextChoices):
        LOGIN = "login", "login"
        LOGIN_FAILED = "login_failed", "login failed"
        LOGOUT = "logout", "logout"
        MFA_CHANGED = "mfa_changed", "second factor changed"
        PROOF_STARTED = "proof_started", "code sent to join or recover"
        PROOF_REFUSED = "proof_refused", "failed proof with the civil ID card"
        ACCOUNT_OPENED = "account_opened", "account opened"
        PASSWORD_RESET = "password_reset", "password reset"
        MANDATE_GRANTED = "mandate_granted", "mandate granted"
        MANDATE_REVOKED = "mandate_revoked", "mandate revoked"
        ACCESS_REFUSED = "access_refused", "access refused"
        DATA_READ = "data_read", "data read"
        DATA_EXPORTED = "data_exported", "personal data downloaded"
        LOGOUT_EVERYWHERE = "logout_everywhere", "logged out everywhere"
        APP_AUTHORISED = "app_authorised", "app allowed"
        APP_REVOKED = "app_revoked", "app's permission taken back"
        STAFF_APPOINTED = "staff_appointed", "staff role given"
        STAFF_REMOVED = "staff_removed", "staff role ended"
        CHAIN_KEYED = "chain_keyed", "chain keyed"  # seals the SHA-256 entries before the key
        SERVICE_SUBMITTED = "service_submitted", "service definition submitted for publishing"
        SERVICE_PUBLISHED = "service_published", "service definition published"
        SERVICE_RETURNED = "service_returned", "service definition returned"

    sequence = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3... with no gaps")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor_civil_id = models.CharField(max_length=12, blank=True, help_text="who acted; empty for a system")
    actor_name_ar = models.CharField(max_length=200, blank=True, help_text="as shown to the person")
    actor_name_en = models.CharField(max_length=200, blank=True)
    subject_civil_id = models.CharField(max_length=12, blank=True, help_text="whose data or account")
    agency = models.ForeignKey(
        "catalogue.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application_reference = models.CharField(max_length=20, blank=True)
    data = models.CharField(max_length=30, blank=True, help_text="what was read: application, attachment...")
    purpose = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=50, blank=True, help_text="the network, never the full address")
    detail = models.CharField(max_length=100, blank=True, help_text="e.g. the masked login identifier")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(
        max_length=16, blank=True, default="", help_text="the audit key; empty: SHA-256"
    )

    class Meta(AppendOnly.Meta):
        ordering = ["sequence"]
        indexes = [models.Index(fields=["subject_civil_id", "kind", "-sequence"])]

    def __str__(self) -> str:
        return f"audit entry {self.sequence}"


class AuditHead(models.Model):
    """One row: the last sequence and hash written. Writers lock it (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise writers already), so the chain never
    forks; `verify_audit` also compares it with the last entry, so removing the newest rows shows."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.sequence}"
