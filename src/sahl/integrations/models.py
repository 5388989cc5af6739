"""Agencies' own systems: how Sahl reaches them (a connection, its signing keys), how they reach
Sahl (client credentials, tokens, idempotent requests), and every delivery with its attempts."""

from __future__ import annotations

import uuid

from django.db import models


class Connection(models.Model):
    """An agency whose system receives its `agency_api` applications. Without one (or while it is
    not active) those applications stay in the shared back office."""

    agency = models.OneToOneField("catalogue.Agency", on_delete=models.PROTECT, related_name="connection")
    endpoint = models.URLField(help_text="where deliveries are POSTed")
    active = models.BooleanField(default=True)
    timeout_seconds = models.FloatField(default=10.0, help_text="read timeout of one attempt")
    max_attempts = models.PositiveSmallIntegerField(default=12, help_text="then the delivery is dead")
    # Circuit breaker: after `BREAKER_FAILURES` failures in a row the agency is not called until
    # `open_until`; one trial delivery then decides (half-open).
    failures_in_a_row = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"connection of agency {self.agency_id}"


class SigningKey(models.Model):
    """An Ed25519 key Sahl signs deliveries to one agency with (RFC 9421). The newest active key
    signs; older ones stay published until retired, so an agency can rotate without downtime."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField(help_text="PKCS#8; generated here, never committed or shown")
    public_raw = models.CharField(max_length=64, help_text="the public key, base64url")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.kid


class ClientCredential(models.Model):
    """A client id and secret (hashed) an agency's system logs in with (OAuth2 client credentials).
    Two may be active at once while the agency rotates."""

    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="credentials")
    client_id = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=200, help_text="Django password hash of the secret")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.client_id


class AccessToken(models.Model):
    """A bearer token given for a client credential; only its SHA-256 is kept."""

    credential = models.ForeignKey(ClientCredential, on_delete=models.CASCADE, related_name="tokens")
    token_sha256 = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token {self.pk}"


class Delivery(models.Model):
    """One application sent to one agency's system. The state is what operators and the person see."""

    class State(models.TextChoices):
        WAITING = "waiting", "waiting"  # on record, not yet tried
        RETRYING = "retrying", "retrying"  # failed, tried again at `next_attempt_at`
        DELIVERED = "delivered", "delivered"  # the agency answered accepted, pending or rejected
        DEAD = "dead", "failed permanently"  # on the dead-letter list until replayed

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", "accepted"
        PENDING = "pending", "pending"
        REJECTED = "rejected", "rejected"

    event_id = models.UUIDField(
        default=uuid.uuid4, unique=True, help_text="stable: agencies de-duplicate on it"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="deliveries"
    )
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="an attempt in progress")
    last_error = models.CharField(max_length=300, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    agency_reference = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["connection", "state"]),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk}"


class Attempt(models.Model):
    """One try of a delivery: when, how long, what came back (never the body of the application)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, help_text="delivered, retry, dead, skipped (breaker open)")
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"attempt {self.pk}"


class AgencyRequest(models.Model):
    """An agency system's write, kept by its Idempotency-Key: the same key and body give the same
    answer again; the same key with another body is refused."""

    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "key"], name="one_agency_request_per_key")]

    def __str__(self) -> str:
        return f"agency request {self.pk}"


class TokenThrottle(models.Model):
    """Failed client logins at the token endpoint from one source (an IP address), counted in a
    fixed window: past the limit, the source is refused until the window ends."""

    source = models.CharField(max_length=45, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token throttle {self.pk}"
