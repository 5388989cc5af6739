"""Powers of attorney (tawkeel). Guardianship of minors and company roles are not stored here:
they are read from the population and companies registers on every decision, so they end by
themselves (the 18th birthday, a change in the companies register)."""

from __future__ import annotations

from django.db import models

from sahl.core.bulk_updates import AnnouncedUpdates


class Mandate(models.Model):
    """A person (the grantor) lets another (the attorney) act for them on some services, from a
    date to a date. Issued by the Ministry of Justice's service once the attorney accepted.

    A company's delegate ("company representative") is the same row with the company's number as
    grantor: an owner or signatory grants it in Sahl (`granted_by_civil_id`), and it holds once the
    delegate accepted it (`accepted_at`)."""

    class Kind(models.TextChoices):
        POWER_OF_ATTORNEY = "power_of_attorney", "توكيل / Power of attorney"
        COMPANY_DELEGATE = "company_delegate", "مندوب منشأة / Company representative"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POWER_OF_ATTORNEY)
    grantor_civil_id = models.CharField(max_length=12, help_text="the person acted for")
    attorney_civil_id = models.CharField(max_length=12, help_text="the person who may act")
    scope = models.CharField(max_length=20, help_text="a key of mandates.rules.SCOPES")
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="the last day it may be used")
    application_reference = models.CharField(
        max_length=20, unique=True, help_text="the Ministry of Justice application that issued it"
    )
    granted_at = models.DateTimeField()
    granted_by_civil_id = models.CharField(max_length=12, blank=True, help_text="who granted a company's")
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="in force only once accepted")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="set once; takes effect at once")
    revoked_by_civil_id = models.CharField(max_length=12, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)

    objects = AnnouncedUpdates.as_manager()  # a bulk revocation forgets whom the attorney acts for

    class Meta:
        indexes = [
            models.Index(fields=["attorney_civil_id", "valid_until"]),
            models.Index(fields=["grantor_civil_id", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"mandate {self.pk}"
