"""Agencies, categories and services. A service's definition is published as immutable
versions; the `Service` row carries the current version's searchable summary."""

from __future__ import annotations

from django.db import models

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
