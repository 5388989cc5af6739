"""Hawiyati's records: the issuer's keys, the status lists, the documents copied from the registers,
each credential issued, the OpenID4VCI offers, tokens and nonces that lead to one, and the logins
by wallet (OpenID4VP requests)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sahl.applications.models import IssuedDocument


class IssuerKey(models.Model):
    """A P-256 key that signs credentials and status lists. One signs at a time. A key is published
    from its creation, before it signs (`signs_from`), so that cached key sets know it first; a
    retired key stays published until the last credential or status list token it signed has
    expired (`signed_until`)."""

    kid = models.CharField(max_length=16, unique=True)
    public_jwk = models.JSONField()
    private_pem = models.TextField(help_text="PKCS#8, encrypted with the deployment's secret key")
    created_at = models.DateTimeField(auto_now_add=True)
    signs_from = models.DateTimeField(default=timezone.now, help_text="it signs from then on")
    retired_at = models.DateTimeField(null=True, blank=True, help_text="it signs no more from then on")
    signed_until = models.DateTimeField(null=True, blank=True, help_text="the latest exp it signed")

    def __str__(self) -> str:
        return self.kid


class StatusList(models.Model):
    """One Token Status List. `version` grows with every change; the signed token is kept with the
    version it was made from, so it is re-signed only after a change or when its ttl is up."""

    size = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    token = models.TextField(blank=True)
    token_version = models.IntegerField(default=-1)
    token_made_at = models.DateTimeField(null=True, blank=True)
    token_key = models.ForeignKey(
        "IssuerKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_tokens",
        help_text="the key that signed the kept token",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"status list {self.pk}"


class RegisterCopy(models.Model):
    """A document the wallet holds straight from a register, not from an application: the civil ID
    (population register), a driving licence, a passport, a vehicle's registration. Offered from
    the person's first visit and kept in step with the record (wallet.registered): when the record
    changes (renewed, sold, gone) this copy is revoked and a new one made. Revoked copies stay, so
    that their credentials keep their place on the status lists."""

    holder_civil_id = models.CharField(max_length=12)
    document = models.CharField(
        max_length=60, help_text="civil_id, driving_licence, passport, vehicle_registration"
    )
    record = models.CharField(max_length=40, help_text="the register's row, e.g. passport:17")
    number = models.CharField(max_length=20, help_text="the document's number in its register")
    agency = models.CharField(max_length=10, help_text="the catalogue code of the register's owner")
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField()
    details = models.JSONField(default=dict, blank=True)
    copied_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["holder_civil_id"], name="wallet_copy_holder"),
            models.Index(fields=["record"], name="wallet_copy_record"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["holder_civil_id", "record"],
                condition=models.Q(revoked_at__isnull=True),
                name="wallet_one_live_copy_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} copy {self.pk}"


class Credential(models.Model):
    """One SD-JWT VC as issued: which document (an application's, or a register copy), for which
    holder key, and where its status is."""

    class Status(models.IntegerChoices):
        VALID = 0, "valid"
        REVOKED = 1, "revoked"
        SUSPENDED = 2, "suspended"

    document = models.ForeignKey(
        IssuedDocument, on_delete=models.CASCADE, related_name="credentials", null=True, blank=True
    )
    copy = models.ForeignKey(
        RegisterCopy, on_delete=models.CASCADE, related_name="credentials", null=True, blank=True
    )
    holder_civil_id = models.CharField(max_length=12, db_index=True)
    configuration = models.CharField(max_length=80)
    holder_thumbprint = models.CharField(max_length=64)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField()
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.VALID)
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="wallet_one_credential_per_index"
            ),
            models.CheckConstraint(
                condition=(models.Q(document__isnull=False) & models.Q(copy__isnull=True))
                | (models.Q(document__isnull=True) & models.Q(copy__isnull=False)),
                name="wallet_credential_of_one_source",
            ),
        ]
        indexes = [models.Index(fields=["status_list", "status"], name="wallet_list_status")]

    def __str__(self) -> str:
        return f"{self.configuration} #{self.pk}"


class Offer(models.Model):
    """A credential offer with a pre-authorized code (kept as SHA-256, like the transaction code)."""

    document = models.ForeignKey(
        IssuedDocument, on_delete=models.CASCADE, related_name="offers", null=True, blank=True
    )
    copy = models.ForeignKey(
        RegisterCopy, on_delete=models.CASCADE, related_name="offers", null=True, blank=True
    )
    holder_civil_id = models.CharField(max_length=12)
    configurations = models.JSONField()
    code_sha256 = models.CharField(max_length=64, unique=True)
    tx_code_sha256 = models.CharField(max_length=64)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"offer {self.pk}"


class AccessToken(models.Model):
    """What a redeemed offer gives: a bearer token that receives each configuration once."""

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="token")
    token_sha256 = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    delivered = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"token {self.pk}"


class Nonce(models.Model):
    """A c_nonce from the nonce endpoint: one key proof may use it, once, within 5 minutes."""

    value = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.value


class WalletLogin(models.Model):
    """A login with Hawiyati from another device (OpenID4VP, cross-device, direct_post): the request
    a waiting browser shows as a QR code, and what the wallet answered. It works once, for two
    minutes, and only for the browser that asked (its secret is kept as SHA-256, in its session)."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "waiting for the wallet"
        ACCEPTED = "accepted", "a genuine civil ID was presented: the browser may log in"
        USED = "used", "the browser logged in"

    handle = models.CharField(max_length=64, unique=True, help_text="public: the request's URI and state")
    browser_sha256 = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64, unique=True)
    short_code = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    reason = models.CharField(max_length=40, blank=True, help_text="why the latest answer was refused")
    civil_id = models.CharField(max_length=12, blank=True, help_text="whose civil ID was presented")
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"wallet login {self.pk}"


class SeenPresentation(models.Model):
    """A key-binding JWT presented to log in, by its SHA-256: a presentation works once, whatever
    request it is posted to (kept as long as its login request)."""

    sha256 = models.CharField(max_length=64, unique=True)
    login = models.ForeignKey(WalletLogin, on_delete=models.CASCADE, related_name="presentations")

    def __str__(self) -> str:
        return self.sha256[:12]
