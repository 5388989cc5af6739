"""Reading the registers. Sahl asks through `Registers`; `DatabaseRegisters` is the simulated
twin backed by the seeded tables in this app. A real deployment plugs the agencies' systems in
behind the same Protocol (setting SAHL_REGISTERS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.db.models import CharField, Q, QuerySet, Subquery, Value
from django.utils.module_loading import import_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import make_civil_id, make_prefix
from sahl.core.compiled import CompiledRead
from sahl.core.effects import Change
from sahl.core.errors import Conflict
from sahl.core.languages import Wording
from sahl.registry import companies, labels
from sahl.registry import models as m
from sahl.registry import profile_reads as reads
from sahl.registry.companies import CompanyDetails, CompanyDue, StatementRecord, WorkersPage, Workforce
from sahl.registry.facts import ApplicantFacts
from sahl.registry.geo import AREAS
from sahl.registry.kept import forget_profiles, kept_profile


class RegisterChanged(Conflict):
    """The record an effect needs is no longer as the application found it."""

    def __init__(self, effect: str) -> None:
        super().__init__("register.changed", detail=effect)


@dataclass(frozen=True)
class Choice:
    """One of the person's own records, offered in a form instead of being typed."""

    value: str
    label: Wording  # the register's words (a car by make and plate), or a number with its kind


@dataclass(frozen=True)
class Profile:
    civil_id: str
    name: BilingualText
    facts: ApplicantFacts
    choices: dict[str, tuple[Choice, ...]] = field(default_factory=dict)
    area: str = ""  # the registered address's area code (registry/data/areas.json); a courier's way


@dataclass(frozen=True)
class PersonRecord:
    """Who someone is, as much as deciding who may act for them needs."""

    civil_id: str
    name: BilingualText
    birth_date: dt.date
    father_civil_id: str
    mother_civil_id: str


@dataclass(frozen=True)
class IdentityCard:
    """What proves a person holds their civil ID card: the serial number printed on it, and the
    mobile number the population register holds for them ("" when it holds none)."""

    civil_id: str
    card_serial: str
    mobile: str
    birth_date: dt.date


@dataclass(frozen=True)
class CompanyRecord:
    """A company and the role one person holds in it (owner, partner, signatory)."""

    number: str
    name: BilingualText
    role: str


@dataclass(frozen=True)
class VehicleRecord:
    """A vehicle as its register's owner (the Ministry of Interior) reads and updates it."""

    plate: str
    registration_expiry: dt.date
    insurance_expiry: dt.date


@dataclass(frozen=True)
class NewBirth:
    """A birth as a hospital notifies it to the births register (the Ministry of Health)."""

    notification_number: str
    hospital: str
    mother_civil_id: str
    father_civil_id: str  # "" when the notification names no father
    name: BilingualText
    sex: str  # M or F
    birth_date: dt.date


@dataclass(frozen=True)
class BirthRecord:
    """A recorded birth: `record` names it in events (birth:<id>); the child's civil ID is new."""

    record: str
    notification_number: str
    hospital: str
    child: PersonRecord
    nationality: str  # the child's (the father's, else the mother's)
    created: bool = True  # False when the notification was recorded before (the same answer again)
    sex: str = ""  # the child's, M or F


@dataclass(frozen=True)
class MarriageRecord:
    """A recorded marriage: `record` names it in events (marriage:<id>)."""

    record: str
    contract_number: str
    husband_civil_id: str
    wife_civil_id: str
    married_on: dt.date
    created: bool = True


class RegisterRefused(Conflict):
    """A register cannot take this entry (an unknown parent or spouse, a date to come)."""


@dataclass(frozen=True)
class HeldDocument:
    """A register document that expires, and one person who holds it (a company's licence: each of
    its owners and signatories). `record` names the document (passport:17, residency:5, commercial_licence:3);
    `variant` is what decides how it is renewed where a kind has several ways (a residency's
    article), else ""."""

    record: str
    kind: str
    expires_on: dt.date
    holder_civil_id: str
    holder_birth_date: dt.date
    variant: str = ""


@dataclass(frozen=True)
class RegisterDocument:
    """A document a register itself certifies for one person, as the wallet copies it: the civil ID
    card (population register), a driving licence, a passport, a vehicle's registration. `record`
    names the row (person:3, driving_licence:7, passport:17, vehicle:12); `details` are the register's
    words worth carrying (a licence's category, a car's plate and make), Arabic and English apart."""

    kind: str  # civil_id | driving_licence | passport | vehicle_registration
    record: str
    number: str
    agency: str  # the catalogue code of the agency that owns the register
    issued_on: dt.date | None  # None where the register does not keep it
    expires_on: dt.date
    details: dict[str, str | int] = field(default_factory=dict)


# The documents people hold in the registers and renew through Sahl: the table, the field of its
# expiry and the way from a row to its holder ("" when the row is the person). A company's licence
# is held by its owners and signatories (their roles), unless cancelled; its record is named by the
# company.
EXPIRING: dict[str, tuple[type[Any], str, str]] = {
    "passport": (m.Passport, "expires_on", "holder"),
    "driving_licence": (m.DrivingLicence, "expires_on", "holder"),
    "vehicle_registration": (m.Vehicle, "registration_expiry", "owner"),
    "civil_id": (m.Person, "civil_id_expiry", ""),
    "residency": (m.Person, "residency_expiry", ""),
    "commercial_licence": (m.CompanyRole, "company__licence_expiry", "person"),
}


class Registers(Protocol):
    def expiring(
        self,
        first: dt.date,
        last: dt.date,
        kinds: Collection[str] = (),
        holders: Collection[str] = (),
    ) -> Iterator[HeldDocument]:
        """The documents of these kinds (EXPIRING's keys; all when empty) that expire from `first` to
        `last`, both included, one per holder, streamed from one read whatever their number (a
        whole country's). `holders`: only theirs (civil IDs), when given."""

    def parents(self, civil_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The civil IDs of the father and mother the population register names for each of these
        people (one read whatever their number); people it names neither for are absent."""

    def profile(self, civil_id: str, today: dt.date) -> Profile | None:
        """What the registers hold about one person, or None if the civil ID is unknown."""

    def person(self, civil_id: str) -> PersonRecord | None:
        """The population register's entry of one person (with the parents), or None."""

    def identity_card(self, civil_id: str) -> IdentityCard | None:
        """The person's civil ID card, or None if the population register has no such person."""
        ...

    def names(self, civil_ids: Collection[str]) -> dict[str, BilingualText]:
        """The names of the people the population register knows among these civil IDs (one read
        whatever their number); the unknown ones are absent."""

    def children(self, civil_id: str) -> list[PersonRecord]:
        """The person's children in the population register, the eldest first."""

    def companies(self, civil_id: str) -> list[CompanyRecord]:
        """The companies in which the person holds a role, by commercial registration number."""

    def company(self, number: str) -> CompanyDetails | None:
        """A company's licence, activities, other permits and the people who sign, or None."""

    def workers(self, number: str, **filters: Any) -> WorkersPage:
        """A page of the company's current workers (registry.companies.workers names the filters)."""

    def workforce(self, number: str, today: dt.date, horizon: dt.date) -> Workforce:
        """How many workers the company has, and how many permits and residencies end by `horizon`."""

    def statements(
        self, number: str, *, records: Collection[str] = (), size: int = 24
    ) -> list[StatementRecord]:
        """The company's social-insurance statements, the newest month first."""

    def settle_statements(
        self, records: Collection[str], payment_reference: str, paid_on: dt.date, paid: dict[str, int]
    ) -> int:
        """Statements paid through Sahl (`paid`: what was paid for each, penalty included); once."""

    def cancel_licence(self, number: str, day: dt.date) -> bool:
        """The Ministry of Commerce cancelled the company's commercial licence."""

    def company_dues(self, first: dt.date, last: dt.date, kinds: Collection[str]) -> Iterator[CompanyDue]:
        """What companies have coming from `first` to `last` (registry.companies.DUES's kinds): a
        licence expiring, current workers' permits or residencies ending, unpaid statements due;
        counted per company, kind and day, a company's together, streamed from one read."""

    def signers(self, numbers: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The civil IDs of the owners and authorised signatories of each of these companies."""

    def documents(self, civil_id: str, today: dt.date) -> list[RegisterDocument]:
        """The documents the registers certify for the person and that are valid on `today`: the
        civil ID card, then driving licences, passports and vehicle registrations (4 reads)."""

    def apply(self, effect: str, civil_id: str, answers: dict[str, Any], today: dt.date) -> Change:
        """Carry out an effect (see registry.effects) for the person; returns what changed, in both
        languages (the application's history records it so), and the changed record's last valid
        day (the document certifying it is valid as long)."""

    def update_vehicle(self, plate: str, changes: dict[str, dt.date]) -> VehicleRecord | None:
        """Change a vehicle's record (the keys of `VEHICLE_FIELDS`); None if the plate is unknown."""

    def record_birth(self, birth: NewBirth) -> BirthRecord:
        """Enter a notified birth: the child in the population register with a new civil ID, its
        parents and the family's address. The same notification number again gives the same record
        (`created` False); raises RegisterRefused when a parent is unknown or the date is to come."""

    def birth(self, record: str) -> BirthRecord | None:
        """A recorded birth by its record name (birth:<id>), or None."""

    def record_marriage(
        self, contract_number: str, husband_civil_id: str, wife_civil_id: str, married_on: dt.date
    ) -> MarriageRecord:
        """Enter a registered marriage contract: both spouses become married. The same contract
        number again gives the same record; raises RegisterRefused on unknown spouses."""

    def marriage(self, record: str) -> MarriageRecord | None:
        """A recorded marriage by its record name (marriage:<id>), or None."""

    def enrol_test_person(self, civil_id: str, name: BilingualText, birth_date: dt.date) -> PersonRecord:
        """The synthetic person the conformance kit files its test applications for, entered once
        (idempotent). A real population register holds such a test identity, agreed with its owner,
        and answers with its entry."""


# What the owner of the vehicles register may change in a record through the agency API.
VEHICLE_FIELDS = ("registration_expiry", "insurance_expiry")

# What an effect changed, as the application's history tells it.
REGISTRATION_RENEWED = _("Vehicle registration renewed until {until}")
OWNERSHIP_MOVED = _("Vehicle ownership moved to the buyer")
PASSPORT_ISSUED = _("New passport valid until {until}")
CIVIL_ID_RENEWED = _("Civil ID card renewed until {until}")
LICENCE_ISSUED = _("Driving licence issued")
LICENCE_RENEWED = _("Driving licence renewed until {until}")
REPLACED = _("Replacement issued; the record is unchanged and runs until {until}")


@cache
def registers() -> Registers:
    return import_string(settings.SAHL_REGISTERS)()


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _days(until: dt.date | None, today: dt.date) -> int:
    return (until - today).days if until else 0


def _record(person: m.Person) -> PersonRecord:
    return PersonRecord(
        person.civil_id,
        BilingualText(person.name_ar, person.name_en),
        person.birth_date,
        person.father.civil_id if person.father else "",
        person.mother.civil_id if person.mother else "",
    )


class DatabaseRegisters:
    """The simulated registers: the tables of this app, filled by `manage.py seed_demo`."""

    def person(self, civil_id: str) -> PersonRecord | None:
        found = m.Person.objects.select_related("father", "mother").filter(civil_id=civil_id).first()
        return _record(found) if found else None

    def identity_card(self, civil_id: str) -> IdentityCard | None:
        row = (
            m.Person.objects.filter(civil_id=civil_id)
            .values_list("card_serial", "mobile", "birth_date")
            .first()
        )
        return IdentityCard(civil_id, row[0], row[1], row[2]) if row else None

    def names(self, civil_ids: Collection[str]) -> dict[str, BilingualText]:
        if not civil_ids:
            return {}
        found = m.Person.objects.filter(civil_id__in=list(civil_ids)).values_list(
            "civil_id", "name_ar", "name_en"
        )
        return {civil_id: BilingualText(ar, en) for civil_id, ar, en in found}

    def children(self, civil_id: str) -> list[PersonRecord]:
        return [
            PersonRecord(child, BilingualText(ar, en), born, father or "", mother or "")
            for child, ar, en, born, father, mother in _CHILDREN.rows(civil_id)
        ]

    @staticmethod
    def children_query(civil_id: str) -> QuerySet[m.Person, tuple[Any, ...]]:
        # The parent's row id first: an OR over the two joined parents' civil IDs cannot use an
        # index and read the whole register (75 ms at 65,000 people, seconds for the country).
        # The columns a record needs, not three whole rows of the register for each child.
        parent = Subquery(m.Person.objects.filter(civil_id=civil_id).values("pk")[:1])
        found = m.Person.objects.filter(Q(father=parent) | Q(mother=parent)).order_by(
            "birth_date", "civil_id"
        )
        return found.values_list(
            "civil_id", "name_ar", "name_en", "birth_date", "father__civil_id", "mother__civil_id"
        )

    def companies(self, civil_id: str) -> list[CompanyRecord]:
        roles = m.CompanyRole.objects.select_related("company").filter(person__civil_id=civil_id)
        return [
            CompanyRecord(r.company.number, BilingualText(r.company.name_ar, r.company.name_en), r.role)
            for r in roles.order_by("company__number")
        ]

    def profile(self, civil_id: str, today: dt.date) -> Profile | None:
        return kept_profile(civil_id, today, lambda: self._profile(civil_id, today))

    def _profile(self, civil_id: str, today: dt.date) -> Profile | None:
        if companies.is_company_number(civil_id):
            return self._company_profile(civil_id, today)
        found = reads.PERSON.rows(civil_id)
        if not found:
            return None
        person = dict(zip(reads.PERSON_COLUMNS, found[0], strict=True))
        pk = person["id"]
        vehicles = reads.VEHICLES.rows(pk)
        licences = reads.LICENCES.rows(pk)
        passports = reads.PASSPORTS.rows(pk)
        roles = reads.ROLES.rows(pk)
        children = reads.CHILDREN.rows(pk)
        spouses = [row[5:] if row[0] == pk else row[1:5] for row in reads.MARRIAGES.rows(pk)]
        workers = reads.DOMESTIC_WORKERS.rows(pk)

        facts: ApplicantFacts = {
            "civil_id": person["civil_id"],
            "age": age_on(person["birth_date"], today),
            "sex": person["sex"],
            "nationality": person["nationality"],
            "is_kuwaiti": person["nationality"] == "KW",
            "marital_status": person["marital_status"],
            "governorate": person["governorate"],
            "residency": person["residency"],
            "residency_days_left": _days(person["residency_expiry"], today),
            "civil_id_days_left": _days(person["civil_id_expiry"], today),
            "employment": person["employment"],
            "is_insured": person["is_insured"],
            "has_disability": person["has_disability"],
            "spouses": [{"civil_id": cid, "nationality": nationality} for cid, nationality, _, _ in spouses],
            "children": [
                {"civil_id": cid, "age": age_on(born, today), "sex": sex} for cid, _, _, born, sex in children
            ],
            "domestic_workers": [
                {"civil_id": cid, "residency_days_left": _days(until, today)} for cid, _, _, until in workers
            ],
            "vehicles": [
                {
                    "plate": plate,
                    "make": make,
                    "model": model,
                    "year": year,
                    "registration_days_left": _days(registered_until, today),
                    "insurance_days_left": _days(insured_until, today),
                    "unpaid_fines": unpaid,
                    "unpaid_fines_fils": unpaid_fils or 0,
                }
                for plate, make, model, year, _, _, registered_until, insured_until, unpaid, unpaid_fils in vehicles
            ],
            "driving_licences": [
                {"number": number, "category": category, "days_left": _days(until, today)}
                for number, category, until in licences
            ],
            "passports": [
                {"number": number, "days_left": _days(until, today)} for number, until in passports
            ],
            "companies": [
                {"number": number, "role": role, "licence_days_left": _days(licensed_until, today)}
                for number, _, _, licensed_until, role in roles
            ],
            "workers": [],
        }
        choices = {
            "applicant.vehicles": tuple(Choice(v[0], labels.vehicle(*v[:6])) for v in vehicles),
            "applicant.children": tuple(Choice(c[0], BilingualText(c[1], c[2])) for c in children),
            "applicant.spouses": tuple(Choice(s[0], BilingualText(s[2], s[3])) for s in spouses),
            "applicant.domestic_workers": tuple(Choice(w[0], BilingualText(w[1], w[2])) for w in workers),
            "applicant.passports": tuple(Choice(p[0], labels.passport(p[0])) for p in passports),
            "applicant.driving_licences": tuple(Choice(d[0], labels.licence(d[0])) for d in licences),
            "applicant.companies": tuple(Choice(r[0], BilingualText(r[1], r[2])) for r in roles),
        }
        name = BilingualText(person["name_ar"], person["name_en"])
        return Profile(person["civil_id"], name, facts, choices, person["area"])

    def _company_profile(self, number: str, today: dt.date) -> Profile | None:
        """A company applying in its own name (someone who signs for it, or its delegate, acts
        for it: `mandates.authorize` decided that). Its facts answer the business services' rules as
        its owner's would (`applicant.companies` is the company itself, held as owner), with its
        workers; what only a person has is empty."""
        company = m.Company.objects.filter(number=number).first()
        if company is None:
            return None
        employments = list(
            m.WorkPermit.objects.filter(company=company, ended_on__isnull=True)
            .select_related("worker")
            .order_by("permit_expiry", "pk")
        )
        live = company.licence_cancelled_on is None
        facts: ApplicantFacts = {
            "civil_id": company.number,
            "age": 0,
            "sex": "",
            "nationality": "KW",
            "is_kuwaiti": False,
            "marital_status": "",
            "governorate": "",
            "residency": m.Residency.NONE,
            "residency_days_left": 0,
            "civil_id_days_left": 0,
            "employment": m.Employment.NONE,
            "is_insured": False,
            "has_disability": False,
            "spouses": [],
            "children": [],
            "domestic_workers": [],
            "vehicles": [],
            "driving_licences": [],
            "passports": [],
            "companies": [
                {
                    "number": company.number,
                    "role": m.CompanyRole.Role.OWNER,
                    "licence_days_left": _days(company.licence_expiry, today) if live else 0,
                }
            ],
            "workers": [
                {
                    "civil_id": e.worker.civil_id,
                    "permit_days_left": _days(e.permit_expiry, today),
                    "residency_days_left": _days(e.worker.residency_expiry, today),
                }
                for e in employments
            ],
        }
        name = BilingualText(company.name_ar, company.name_en)
        choices = {
            "applicant.companies": (Choice(company.number, name),),
            "applicant.workers": tuple(
                Choice(e.worker.civil_id, labels.worker(e.worker.name_ar, e.worker.name_en, e.permit_number))
                for e in employments
            ),
        }
        return Profile(company.number, name, facts, choices)

    def company(self, number: str) -> CompanyDetails | None:
        return companies.details(number)

    def workers(self, number: str, **filters: Any) -> WorkersPage:
        return companies.workers(number, **filters)

    def workforce(self, number: str, today: dt.date, horizon: dt.date) -> Workforce:
        return companies.workforce(number, today, horizon)

    def statements(
        self, number: str, *, records: Collection[str] = (), size: int = 24
    ) -> list[StatementRecord]:
        return companies.statements(number, records=records, size=size)

    def settle_statements(
        self, records: Collection[str], payment_reference: str, paid_on: dt.date, paid: dict[str, int]
    ) -> int:
        return companies.settle_statements(records, payment_reference, paid_on, paid)

    def cancel_licence(self, number: str, day: dt.date) -> bool:
        return companies.cancel_licence(number, day)

    def company_dues(self, first: dt.date, last: dt.date, kinds: Collection[str]) -> Iterator[CompanyDue]:
        return companies.dues(first, last, kinds)

    def signers(self, numbers: Collection[str]) -> dict[str, tuple[str, ...]]:
        return companies.signers(numbers) if numbers else {}

    def documents(self, civil_id: str, today: dt.date) -> list[RegisterDocument]:
        person = m.Person.objects.filter(civil_id=civil_id).first()
        if person is None:
            return []
        found = [
            RegisterDocument(
                "civil_id", f"person:{person.pk}", person.civil_id, "paci", None, person.civil_id_expiry
            )
        ]
        for licence in m.DrivingLicence.objects.filter(holder=person).order_by("number"):
            found.append(
                RegisterDocument(
                    "driving_licence",
                    f"driving_licence:{licence.pk}",
                    licence.number,
                    "moi",
                    licence.issued_on,
                    licence.expires_on,
                    {"category": licence.category},
                )
            )
        for passport in m.Passport.objects.filter(holder=person).order_by("number"):
            found.append(
                RegisterDocument(
                    "passport",
                    f"passport:{passport.pk}",
                    passport.number,
                    "moi",
                    passport.issued_on,
                    passport.expires_on,
                )
            )
        for vehicle in m.Vehicle.objects.filter(owner=person).order_by("plate"):
            details: dict[str, str | int] = {
                "plate_number": vehicle.plate,
                "make": vehicle.make,
                "model": vehicle.model,
                "year": vehicle.year,
                "colour_ar": vehicle.colour_ar,
                "colour_en": vehicle.colour_en,
            }
            found.append(
                RegisterDocument(
                    "vehicle_registration",
                    f"vehicle:{vehicle.pk}",
                    vehicle.plate,
                    "moi",
                    None,
                    vehicle.registration_expiry,
                    details,
                )
            )
        # A card that has run out (or a newborn's, never issued) certifies nothing today.
        return [d for d in found if d.expires_on >= today]

    def apply(self, effect: str, civil_id: str, answers: dict[str, Any], today: dt.date) -> Change:
        try:
            return self._apply(effect, civil_id, answers, today)
        except (
            m.Person.DoesNotExist,
            m.Vehicle.DoesNotExist,
            m.Passport.DoesNotExist,
            m.DrivingLicence.DoesNotExist,
            m.WorkPermit.DoesNotExist,
            m.Company.DoesNotExist,
        ):
            # e.g. the car was sold by another application in the meantime
            raise RegisterChanged(effect) from None

    def expiring(
        self,
        first: dt.date,
        last: dt.date,
        kinds: Collection[str] = (),
        holders: Collection[str] = (),
    ) -> Iterator[HeldDocument]:
        kinds = tuple(kinds or EXPIRING)
        found: Iterable[tuple[Any, ...]]
        if holders:
            # A few holders' rows (the personal home, on every visit): one plain read, compiled once
            # per kinds and number of holders, without the cursor's extra round trips.
            found = _expiring_of(kinds, len(holders)).rows(first, last, *holders)
        else:
            # The sweep streams the country through a server-side cursor.
            found = _expiring_union(kinds, first, last, ()).iterator(chunk_size=2000)
        for kind, pk, expires_on, civil_id, birth_date, residency in found:
            variant = residency if kind == "residency" else ""
            yield HeldDocument(f"{kind}:{pk}", kind, expires_on, civil_id, birth_date, variant)

    def parents(self, civil_ids: Collection[str]) -> dict[str, tuple[str, ...]]:
        if not civil_ids:
            return {}
        found = m.Person.objects.filter(civil_id__in=list(civil_ids)).values_list(
            "civil_id", "father__civil_id", "mother__civil_id"
        )
        named = {civil_id: tuple(p for p in (father, mother) if p) for civil_id, father, mother in found}
        return {civil_id: both for civil_id, both in named.items() if both}

    def update_vehicle(self, plate: str, changes: dict[str, dt.date]) -> VehicleRecord | None:
        vehicle = m.Vehicle.objects.select_for_update().filter(plate=plate).first()
        if vehicle is None:
            return None
        fields = [name for name in VEHICLE_FIELDS if name in changes]
        for name in fields:
            setattr(vehicle, name, changes[name])
        if fields:
            vehicle.save(update_fields=fields)
        return VehicleRecord(vehicle.plate, vehicle.registration_expiry, vehicle.insurance_expiry)

    def record_birth(self, birth: NewBirth) -> BirthRecord:
        known = m.Birth.objects.filter(notification_number=birth.notification_number).first()
        if known is not None:
            return replace(self._birth(known), created=False)
        parents = {
            p.civil_id: p
            for p in m.Person.objects.filter(
                civil_id__in=[c for c in (birth.mother_civil_id, birth.father_civil_id) if c]
            )
        }
        mother = parents.get(birth.mother_civil_id)
        father = parents.get(birth.father_civil_id) if birth.father_civil_id else None
        if mother is None or (birth.father_civil_id and father is None):
            raise RegisterRefused("register.parent_unknown")
        if mother.sex != m.Sex.FEMALE or (father is not None and father.sex != m.Sex.MALE):
            raise RegisterRefused("register.parent_unknown")
        family = father or mother
        child = m.Person.objects.create(
            civil_id=self._new_civil_id(birth.birth_date),
            name_ar=birth.name.ar,
            name_en=birth.name.en,
            birth_date=birth.birth_date,
            sex=birth.sex,
            nationality=family.nationality,
            governorate=mother.governorate,
            area=mother.area,
            marital_status=m.MaritalStatus.SINGLE,
            # No card yet: the civil ID card is issued by its own application.
            civil_id_expiry=birth.birth_date,
            employment=m.Employment.NONE,
            father=father,
            mother=mother,
            sponsor=None if family.nationality == "KW" else family,
        )
        row = m.Birth.objects.create(
            child=child, notification_number=birth.notification_number, hospital=birth.hospital
        )
        return self._birth(row)

    def birth(self, record: str) -> BirthRecord | None:
        kind, _, pk = record.partition(":")
        found = m.Birth.objects.filter(pk=int(pk)).first() if kind == "birth" and pk.isdigit() else None
        return self._birth(found) if found else None

    def _birth(self, row: m.Birth) -> BirthRecord:
        child = m.Person.objects.select_related("father", "mother").get(pk=row.child_id)
        return BirthRecord(
            f"birth:{row.pk}",
            row.notification_number,
            row.hospital,
            _record(child),
            child.nationality,
            sex=child.sex,
        )

    def _new_civil_id(self, birth_date: dt.date) -> str:
        taken = set(
            m.Person.objects.filter(civil_id__startswith=make_prefix(birth_date)).values_list(
                "civil_id", flat=True
            )
        )
        for serial in range(10_000):
            made = make_civil_id(birth_date, serial)
            if made is not None and str(made) not in taken:
                return str(made)
        raise RegisterRefused("register.no_civil_id_left")

    def record_marriage(
        self, contract_number: str, husband_civil_id: str, wife_civil_id: str, married_on: dt.date
    ) -> MarriageRecord:
        known = m.Marriage.objects.filter(contract_number=contract_number).first()
        if known is not None:
            return replace(self._marriage(known), created=False)
        spouses = {
            p.civil_id: p for p in m.Person.objects.filter(civil_id__in=[husband_civil_id, wife_civil_id])
        }
        husband, wife = spouses.get(husband_civil_id), spouses.get(wife_civil_id)
        if husband is None or wife is None or husband.sex != m.Sex.MALE or wife.sex != m.Sex.FEMALE:
            raise RegisterRefused("register.spouse_unknown")
        row = m.Marriage.objects.create(
            husband=husband, wife=wife, married_on=married_on, contract_number=contract_number
        )
        for person in (husband, wife):  # one by one: the kept profiles of each are forgotten
            person.marital_status = m.MaritalStatus.MARRIED
            person.save(update_fields=["marital_status"])
        return self._marriage(row)

    def marriage(self, record: str) -> MarriageRecord | None:
        kind, _, pk = record.partition(":")
        found = m.Marriage.objects.filter(pk=int(pk)).first() if kind == "marriage" and pk.isdigit() else None
        return self._marriage(found) if found else None

    def _marriage(self, row: m.Marriage) -> MarriageRecord:
        husband, wife = m.Person.objects.get(pk=row.husband_id), m.Person.objects.get(pk=row.wife_id)
        return MarriageRecord(
            f"marriage:{row.pk}", row.contract_number, husband.civil_id, wife.civil_id, row.married_on
        )

    def enrol_test_person(self, civil_id: str, name: BilingualText, birth_date: dt.date) -> PersonRecord:
        area = AREAS[0]
        person, _ = m.Person.objects.get_or_create(
            civil_id=civil_id,
            defaults={
                "name_ar": name.ar,
                "name_en": name.en,
                "birth_date": birth_date,
                "sex": m.Sex.MALE,
                "nationality": "KW",
                "governorate": area["governorate"],
                "area": area["code"],
                "marital_status": m.MaritalStatus.SINGLE,
                "civil_id_expiry": dt.date(2099, 12, 31),
                "employment": m.Employment.NONE,
            },
        )
        return _record(person)

    def _apply(self, effect: str, civil_id: str, answers: dict[str, Any], today: dt.date) -> Change:
        if effect == "work_permit.renew":
            number = str(answers["company_number"])
            return companies.renew_work_permit(number, str(answers["worker_civil_id"]), today)
        if effect == "commercial_licence.renew":
            return companies.renew_licence(str(answers["company"]), today)
        person = m.Person.objects.get(civil_id=civil_id)
        if effect == "vehicle.renew_registration":
            vehicle = m.Vehicle.objects.select_for_update().get(plate=answers["plate_number"], owner=person)
            vehicle.registration_expiry = _plus_years(max(vehicle.registration_expiry, today), 1)
            vehicle.save(update_fields=["registration_expiry"])
            until = vehicle.registration_expiry
            return Change(format_lazy(REGISTRATION_RENEWED, until=until.isoformat()), until)
        if effect == "vehicle.transfer_ownership":
            vehicle = m.Vehicle.objects.select_for_update().get(plate=answers["plate_number"], owner=person)
            vehicle.owner = m.Person.objects.get(civil_id=answers["buyer_civil_id"])
            vehicle.save(update_fields=["owner"])
            forget_profiles([person.civil_id])  # the car leaves the seller's profile (the buyer's: signal)
            return Change(OWNERSHIP_MOVED, vehicle.registration_expiry)
        if effect in ("passport.renew", "passport.replace"):
            passport = m.Passport.objects.select_for_update().get(
                number=answers["passport_number"], holder=person
            )
            passport.issued_on, passport.expires_on = today, _plus_years(today, 5)
            passport.save(update_fields=["issued_on", "expires_on"])
            until = passport.expires_on
            return Change(format_lazy(PASSPORT_ISSUED, until=until.isoformat()), until)
        if effect == "civil_id.renew":
            expiry = person.residency_expiry if person.residency_expiry else _plus_years(today, 5)
            person.civil_id_expiry = expiry
            person.save(update_fields=["civil_id_expiry"])
            return Change(format_lazy(CIVIL_ID_RENEWED, until=expiry.isoformat()), expiry)
        if effect == "driving_licence.issue":
            years = 15 if person.nationality == "KW" else 1
            licence, _created = m.DrivingLicence.objects.update_or_create(
                number=f"DL{person.civil_id}",
                defaults={
                    "holder": person,
                    "category": "private",
                    "issued_on": today,
                    "expires_on": _plus_years(today, years),
                },
            )
            return Change(LICENCE_ISSUED, licence.expires_on)
        if effect == "driving_licence.renew":
            licence = m.DrivingLicence.objects.select_for_update().get(
                number=answers["licence_number"], holder=person
            )
            # A citizen's licence runs 15 years, a resident's one (as when it was issued).
            years = 15 if person.nationality == "KW" else 1
            licence.expires_on = _plus_years(max(licence.expires_on, today), years)
            licence.save(update_fields=["expires_on"])
            return Change(
                format_lazy(LICENCE_RENEWED, until=licence.expires_on.isoformat()), licence.expires_on
            )
        if effect == "civil_id.replace":
            until = person.civil_id_expiry
        elif effect == "vehicle.replace_registration":
            until = m.Vehicle.objects.get(plate=answers["plate_number"], owner=person).registration_expiry
        elif effect == "driving_licence.replace":
            until = m.DrivingLicence.objects.get(number=answers["licence_number"], holder=person).expires_on
        else:
            raise ValueError(f"unknown effect {effect}")
        return Change(format_lazy(REPLACED, until=until.isoformat()), until)


def _expiring(kind: str, first: dt.date, last: dt.date, holders: Collection[str]) -> Any:
    model, expiry, holder = EXPIRING[kind]
    person = f"{holder}__" if holder else ""
    rows = model.objects.filter(**{f"{expiry}__range": (first, last)})
    if holders:
        rows = rows.filter(**{f"{person}civil_id__in": list(holders)})
    if model is m.CompanyRole:  # who signs for a company whose licence stands
        signs = [m.CompanyRole.Role.OWNER, m.CompanyRole.Role.SIGNATORY]
        rows = rows.filter(role__in=signs, company__licence_cancelled_on__isnull=True)
    record = "company_id" if model is m.CompanyRole else "pk"
    return rows.annotate(kind=Value(kind, output_field=CharField())).values_list(
        "kind", record, expiry, f"{person}civil_id", f"{person}birth_date", f"{person}residency"
    )


def _expiring_union(kinds: Collection[str], first: Any, last: Any, holders: Collection[Any]) -> Any:
    # One SELECT: the kinds' tables side by side (UNION ALL), each filtered on its expiry alone
    # (no index: a daily sweep reads each table once, which is cheaper than keeping one).
    reads = [_expiring(kind, first, last, holders) for kind in kinds]
    return reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0]


_EXPIRING_OF: dict[tuple[tuple[str, ...], int], CompiledRead] = {}


def _expiring_of(kinds: tuple[str, ...], holders: int) -> CompiledRead:
    """The read of `holders` people's documents of these kinds, compiled once (slots: the first and
    last day, then each holder's civil ID)."""
    found = _EXPIRING_OF.get((kinds, holders))
    if found is None:
        found = _EXPIRING_OF[(kinds, holders)] = CompiledRead(
            m.Person,
            lambda first, last, *civil_ids: _expiring_union(kinds, first, last, civil_ids),
            2 + holders,
            dates=(0, 1),
        )
    return found


_CHILDREN = CompiledRead(m.Person, DatabaseRegisters.children_query, 1)


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
