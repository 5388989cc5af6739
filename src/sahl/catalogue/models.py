"""Agencies, categories and services. A service's definition is published as immutable
versions; the `Service` row carries the current version's searchable summary."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sahl.core.bilingual import BilingualText
from sahl.core.money import Money


class Agency(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_ar = models.CharField(max_length=400)
    description_en = models.CharField(max_length=400)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> BilingualText:
        return BilingualText(self.name_ar, self.name_en)

    @property
    def description(self) -> BilingualText:
        return BilingualText(self.description_ar, self.description_en)


class Category(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_ar = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> BilingualText:
        return BilingualText(self.name_ar, self.name_en)


class Service(models.Model):
    """A service of an agency; what is shown comes from its current published version."""

    code = models.CharField(max_length=80, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services")
    current_version = models.OneToOneField(
        "ServiceVersion", null=True, on_delete=models.PROTECT, related_name="current_of"
    )
    is_active = models.BooleanField(default=True, help_text="false once its file is removed")
    # Summary of the current version, kept here so lists and search read one table.
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_ar = models.TextField()
    description_en = models.TextField()
    fee_fils = models.PositiveIntegerField()
    working_days = models.PositiveSmallIntegerField()
    processing = models.CharField(max_length=12)
    for_individuals = models.BooleanField()
    for_businesses = models.BooleanField()
    popular = models.BooleanField(default=False)
    search_text = models.TextField(help_text="normalised names, keywords and agency, for search")
    search_terms = models.JSONField(
        default=list, help_text="[weight, word, stem] of names, keywords, agency, description (search_index)"
    )

    class Meta:
        indexes = [models.Index(fields=["is_active", "popular"])]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> BilingualText:
        return BilingualText(self.name_ar, self.name_en)

    @property
    def description(self) -> BilingualText:
        return BilingualText(self.description_ar, self.description_en)

    @property
    def fee(self) -> Money:
        return Money(self.fee_fils)


class ServiceVersion(models.Model):
    """One published version of a service definition. Never edited once written."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    definition = models.JSONField()
    source = models.CharField(max_length=200)
    published_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="one_number_per_version")]
        ordering = ["service", "number"]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"


class ServiceDraft(models.Model):
    """A new definition of a service, written in the browser by the agency's administrator and
    published by an operator after review (ADR 0061). Its text is the YAML as typed."""

    class State(models.TextChoices):
        DRAFT = "draft", "draft"  # being written; only its author's agency sees it
        SUBMITTED = "submitted", "submitted"  # waiting in the operators' publishing queue
        PUBLISHED = "published", "published"  # became the service's current version (`version`)
        RETURNED = "returned", "returned"  # sent back to the agency with the operator's reason

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="drafts")
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    based_on = models.ForeignKey(
        ServiceVersion, on_delete=models.PROTECT, related_name="+", help_text="the version it was edited from"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="why it was returned")
    version = models.OneToOneField(
        ServiceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "submitted_at"])]
        constraints = [
            # One open draft a service: the queue never holds two rival texts of it.
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(state__in=["draft", "submitted"]),
                name="one_open_draft",
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.service_id} ({self.state})"
