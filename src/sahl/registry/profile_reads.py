"""The reads of a person's profile in the simulated registers (`DatabaseRegisters.profile`),
compiled once per process (`core.compiled`, ADR 0066).

A profile is read for everyone who opens or files a service before the shared cache holds theirs
(a renewal by someone who went straight to the form reads it in the request). Django building and
compiling its eight reads, and making model objects of their rows, cost about four fifths of the
profile's time; PostgreSQL answering them, the rest. Each read gives the columns the profile uses,
as tuples, in the order the profile lists them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from sahl.core.compiled import CompiledRead
from sahl.registry import models as m

PERSON_COLUMNS = (
    "id",
    "civil_id",
    "name_ar",
    "name_en",
    "birth_date",
    "sex",
    "nationality",
    "marital_status",
    "governorate",
    "area",
    "residency",
    "residency_expiry",
    "civil_id_expiry",
    "employment",
    "is_insured",
    "has_disability",
)


def _person(civil_id: Any) -> Any:
    return m.Person.objects.filter(civil_id=civil_id).order_by("pk").values_list(*PERSON_COLUMNS)[:1]


def _vehicles(owner: Any) -> Any:
    unpaid = Q(fines__paid_on__isnull=True)
    return (
        m.Vehicle.objects.filter(owner_id=owner)
        .annotate(unpaid=Count("fines", filter=unpaid), unpaid_fils=Sum("fines__amount_fils", filter=unpaid))
        .order_by("plate")
        .values_list(
            "plate",
            "make",
            "model",
            "year",
            "colour_ar",
            "colour_en",
            "registration_expiry",
            "insurance_expiry",
            "unpaid",
            "unpaid_fils",
        )
    )


def _licences(holder: Any) -> Any:
    return (
        m.DrivingLicence.objects.filter(holder_id=holder)
        .order_by("number")
        .values_list("number", "category", "expires_on")
    )


def _passports(holder: Any) -> Any:
    return (
        m.Passport.objects.filter(holder_id=holder)
        .order_by("-expires_on")
        .values_list("number", "expires_on")
    )


def _roles(person: Any) -> Any:
    return (
        m.CompanyRole.objects.filter(person_id=person)
        .order_by("company__number")
        .values_list(
            "company__number", "company__name_ar", "company__name_en", "company__licence_expiry", "role"
        )
    )


def _children(parent: Any) -> Any:
    return (
        m.Person.objects.filter(Q(father_id=parent) | Q(mother_id=parent))
        .order_by("birth_date")
        .values_list("civil_id", "name_ar", "name_en", "birth_date", "sex")
    )


def _marriages(person: Any) -> Any:
    """Each live marriage's two sides; the profile keeps the one who is not the person."""
    return (
        m.Marriage.objects.filter(Q(husband_id=person) | Q(wife_id=person), ended_on__isnull=True)
        .order_by("pk")
        .values_list(
            "husband_id",
            "husband__civil_id",
            "husband__nationality",
            "husband__name_ar",
            "husband__name_en",
            "wife__civil_id",
            "wife__nationality",
            "wife__name_ar",
            "wife__name_en",
        )
    )


def _domestic_workers(sponsor: Any) -> Any:
    return (
        m.Person.objects.filter(sponsor_id=sponsor, residency=m.Residency.ARTICLE_20)
        .order_by("civil_id")
        .values_list("civil_id", "name_ar", "name_en", "residency_expiry")
    )


PERSON = CompiledRead(m.Person, _person, 1)
VEHICLES = CompiledRead(m.Vehicle, _vehicles, 1, numbers=(0,))
LICENCES = CompiledRead(m.DrivingLicence, _licences, 1, numbers=(0,))
PASSPORTS = CompiledRead(m.Passport, _passports, 1, numbers=(0,))
ROLES = CompiledRead(m.CompanyRole, _roles, 1, numbers=(0,))
CHILDREN = CompiledRead(m.Person, _children, 1, numbers=(0,))
MARRIAGES = CompiledRead(m.Marriage, _marriages, 1, numbers=(0,))
DOMESTIC_WORKERS = CompiledRead(m.Person, _domestic_workers, 1, numbers=(0,))
