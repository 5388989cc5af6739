"""The registry's section of "My data": the person's records in the base registers, as the registry
holds them (core.personal_data; contributed from `RegistryConfig.ready`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.core.personal_data import STRICT, Contribution, Named, Person, Text, amount, named, text
from sahl.registry import models as registry


@with_config(STRICT)
class PersonRecord(TypedDict):
    """Your entry in the population register."""

    civil_id: str
    name: Text
    birth_date: dt.date
    sex: str
    nationality: str
    governorate: str
    area: str
    marital_status: str
    residency: str
    residency_expiry: dt.date | None
    civil_id_expiry: dt.date
    card_serial: str  # of the civil ID card; "" when the register has none
    mobile: str  # the mobile number PACI holds (joining Sahl sends its code there)
    employment: str
    is_insured: bool
    has_disability: bool


@with_config(STRICT)
class Parent(TypedDict):
    relation: str  # father, mother
    person: Named


@with_config(STRICT)
class MarriageRecord(TypedDict):
    spouse: Named
    married_on: dt.date
    ended_on: dt.date | None


@with_config(STRICT)
class Fine(TypedDict):
    amount: str
    currency: str
    offence: Text
    issued_on: dt.date
    paid_on: dt.date | None


@with_config(STRICT)
class VehicleRecord(TypedDict):
    plate: str
    make: str
    model: str
    year: int
    colour: Text
    registration_expiry: dt.date
    insurance_expiry: dt.date
    fines: list[Fine]


@with_config(STRICT)
class DrivingLicenceRecord(TypedDict):
    number: str
    category: str
    issued_on: dt.date
    expires_on: dt.date


@with_config(STRICT)
class PassportRecord(TypedDict):
    number: str
    issued_on: dt.date
    expires_on: dt.date


@with_config(STRICT)
class CompanyRoleRecord(TypedDict):
    number: str  # commercial registration number
    name: Text
    activity: Text
    licence_expiry: dt.date
    role: str  # owner, partner, signatory


@with_config(STRICT)
class Registers(TypedDict):
    """What the base registers hold about you, as they hold it. `person` is null when the
    population register does not know your civil ID."""

    person: PersonRecord | None
    parents: list[Parent]
    children: list[Named]
    marriages: list[MarriageRecord]
    sponsor: Named | None
    sponsored: list[Named]
    vehicles: list[VehicleRecord]
    driving_licences: list[DrivingLicenceRecord]
    passports: list[PassportRecord]
    companies: list[CompanyRoleRecord]


def registers(person: Person) -> Registers:
    """The person's records in the base registers, as the registry holds them (9 queries, 1 when
    the population register does not know them). Relatives: civil ID and name only."""
    found = (
        registry.Person.objects.select_related("father", "mother", "sponsor")
        .filter(civil_id=person.civil_id)
        .first()
    )
    if found is None:
        return {
            "person": None,
            "parents": [],
            "children": [],
            "marriages": [],
            "sponsor": None,
            "sponsored": [],
            "vehicles": [],
            "driving_licences": [],
            "passports": [],
            "companies": [],
        }
    children = registry.Person.objects.filter(Q(father=found) | Q(mother=found)).order_by("birth_date", "pk")
    marriages = (
        registry.Marriage.objects.filter(Q(husband=found) | Q(wife=found))
        .select_related("husband", "wife")
        .order_by("married_on", "pk")
    )
    vehicles = found.vehicles.prefetch_related(
        Prefetch("fines", queryset=registry.TrafficFine.objects.order_by("issued_on", "pk"))
    ).order_by("plate")
    parents: list[Parent] = [
        {"relation": relation, "person": named(parent.civil_id, parent.name_ar, parent.name_en)}
        for relation, parent in (("father", found.father), ("mother", found.mother))
        if parent is not None
    ]
    sponsor = found.sponsor
    return {
        "person": {
            "civil_id": found.civil_id,
            "name": text(found.name_ar, found.name_en),
            "birth_date": found.birth_date,
            "sex": found.sex,
            "nationality": found.nationality,
            "governorate": found.governorate,
            "area": found.area,
            "marital_status": found.marital_status,
            "residency": found.residency,
            "residency_expiry": found.residency_expiry,
            "civil_id_expiry": found.civil_id_expiry,
            "card_serial": found.card_serial,
            "mobile": found.mobile,
            "employment": found.employment,
            "is_insured": found.is_insured,
            "has_disability": found.has_disability,
        },
        "parents": parents,
        "children": [named(c.civil_id, c.name_ar, c.name_en) for c in children],
        "marriages": [
            {
                "spouse": named(spouse.civil_id, spouse.name_ar, spouse.name_en),
                "married_on": marriage.married_on,
                "ended_on": marriage.ended_on,
            }
            for marriage in marriages
            for spouse in [marriage.wife if marriage.husband_id == found.pk else marriage.husband]
        ],
        "sponsor": named(sponsor.civil_id, sponsor.name_ar, sponsor.name_en) if sponsor else None,
        "sponsored": [named(s.civil_id, s.name_ar, s.name_en) for s in found.sponsored.order_by("civil_id")],
        "vehicles": [
            {
                "plate": v.plate,
                "make": v.make,
                "model": v.model,
                "year": v.year,
                "colour": text(v.colour_ar, v.colour_en),
                "registration_expiry": v.registration_expiry,
                "insurance_expiry": v.insurance_expiry,
                "fines": [
                    {
                        "amount": amount(fine.amount_fils),
                        "currency": "KWD",
                        "offence": text(fine.offence_ar, fine.offence_en),
                        "issued_on": fine.issued_on,
                        "paid_on": fine.paid_on,
                    }
                    for fine in v.fines.all()
                ],
            }
            for v in vehicles
        ],
        "driving_licences": [
            {"number": d.number, "category": d.category, "issued_on": d.issued_on, "expires_on": d.expires_on}
            for d in found.driving_licences.order_by("number")
        ],
        "passports": [
            {"number": p.number, "issued_on": p.issued_on, "expires_on": p.expires_on}
            for p in found.passports.order_by("-expires_on", "pk")
        ],
        "companies": [
            {
                "number": r.company.number,
                "name": text(r.company.name_ar, r.company.name_en),
                "activity": text(r.company.activity_ar, r.company.activity_en),
                "licence_expiry": r.company.licence_expiry,
                "role": r.role,
            }
            for r in found.company_roles.select_related("company").order_by("company__number")
        ],
    }


REGISTERS = Contribution(
    key="registers",
    summary=_(
        "Your records in the government registers: your civil record and family links, vehicles and "
        "traffic fines, driving licences, passports and companies."
    ),
    gather=registers,
)
