"""Agencies' own systems: how Sahl reaches them (a connection, its signing keys), how they reach
Sahl (client credentials, tokens). Deliveries and their attempts are in the outbox; Idempotency-Keys of
agencies' writes are kept by `sahl.idempotency`."""

from __future__ import annotations

from django.db import models


class Connection(models.Model):
    """An agency whose system receives its `agency_api` applications. Without one (or while it is
    not active) those applications stay in the shared back office.

    Its system's lane: the applications it lists, reads, decides and receives are those of the
    agency's `agency_api` services, and of its `backoffice` services too once the agency chose to
    take them over (`takes_over_backoffice`, set by an operator with `connect_agency`)."""

    agency = models.OneToOneField("catalogue.Agency", on_delete=models.PROTECT, related_name="connection")
    endpoint = models.URLField(help_text="where deliveries are POSTed")
    active = models.BooleanField(default=True)
    timeout_seconds = models.FloatField(default=10.0, help_text="read timeout of one attempt")
    max_attempts = models.PositiveSmallIntegerField(default=12, help_text="then the delivery is dead")
    takes_over_backoffice = models.BooleanField(
        default=False,
        help_text="the agency's system also works its back-office services' applications (docs/agency-api.md)",
    )
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
