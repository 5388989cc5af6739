"""The population at scale, batch by batch: households (Kuwaiti families with their domestic
workers, expatriate families, expatriates living alone) with father and mother links, marriages
and sponsors; their driving licences, vehicles and fines, passports, companies with owners,
partners and signatories, their workers and social-insurance statements (`labour`); a login
for about a fifth of them; the agencies' staff.

Shares follow the country: about a third of the people are Kuwaitis. Civil IDs are valid
(`registry.seed.civil_id_for`) with serials 100-999, which the demo population never uses (its
named persons take serials from 1, their company's workers 60-99, the others 1000-9999;
`labour.seed_big_company` 20-59), so both can live in one database in
either order. Numbers of plates, passports and companies are longer than the demo's for the
same reason.

A batch depends only on the seed and its number: batch k has its own ranges of ids and numbers
(k times the batch size on), its own slice of the serials and its share of the staff to appoint.
So batches can be made side by side, and a resumed load makes the rows an uninterrupted one would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sahl.demo.civil_ids import civil_id_for
from sahl.demo.names import (
    ACTIVITIES,
    COLOURS,
    EXPATRIATES,
    KUWAITI_FAMILY,
    KUWAITI_FEMALE,
    KUWAITI_MALE,
    OFFENCES,
    VEHICLES,
    Name,
)
from sahl.demo.scale import labour
from sahl.demo.scale.text import DAY, NULL, Times, between, flag, from_day_number, pick, plain
from sahl.demo.scale.writer import Batch
from sahl.registry.geo import AREAS

PHASE = "people"
FIRST_SERIAL, SERIALS = 100, 900  # civil ID serials 100-999 (see the module docstring)
MOST_BATCHES = SERIALS // 4  # each batch gets at least 4 serials per birth date
PLATE_FROM, PASSPORT_FROM, COMPANY_FROM = 1_000_000, 100_000_000, 1_000_000
YEAR = 365
ACCOUNT_SHARE = {"kuwaiti": 0.52, "expatriate": 0.24, "domestic": 0.03}  # of adults: ~20% of all

TABLES = {
    "registry_person": "id, civil_id, name_ar, name_en, birth_date, sex, nationality, governorate, area, "
    "marital_status, residency, residency_expiry, civil_id_expiry, employment, is_insured, has_disability, "
    "father_id, mother_id, sponsor_id",
    "registry_marriage": "husband_id, wife_id, married_on, ended_on, contract_number",
    "registry_drivinglicence": "number, holder_id, category, issued_on, expires_on",
    "registry_vehicle": "id, plate, owner_id, make, model, year, colour_ar, colour_en, registration_expiry, "
    "insurance_expiry",
    "registry_trafficfine": "vehicle_id, amount_fils, offence_ar, offence_en, issued_on, paid_on",
    "registry_passport": "number, holder_id, issued_on, expires_on",
    "registry_company": "id, number, name_ar, name_en, activity_ar, activity_en, licence_expiry, more_activities",
    "registry_companyrole": "company_id, person_id, role",
    "identity_user": "id, password, last_login, is_superuser, civil_id, name_ar, name_en, email, "
    "preferred_language, is_active, is_staff, date_joined, notify_by_email, notify_by_sms, phone, "
    "unread_messages",
    "identity_staffmembership": "user_id, agency_id, role, since",
    **labour.TABLES,
}
# The tables whose indexes come off while they load (the staff's is small), each with the columns
# that grow with the load: indexes starting with those stay (tables.strip).
STRIPPED = {
    "registry_person": frozenset({"father_id", "mother_id", "sponsor_id"}),
    "registry_marriage": frozenset({"husband_id", "wife_id"}),
    "registry_drivinglicence": frozenset({"holder_id"}),
    "registry_vehicle": frozenset({"owner_id", "plate"}),
    "registry_trafficfine": frozenset({"vehicle_id"}),
    "registry_passport": frozenset({"holder_id", "number"}),
    "registry_company": frozenset({"number"}),
    "registry_companyrole": frozenset({"company_id", "person_id"}),
    "identity_user": frozenset(),
    **labour.STRIPPED,
}
RESERVED = {  # table: ids reserved per person (an upper bound)
    "registry_person": 1,
    "registry_vehicle": 2,
    "registry_company": 1,
    "identity_user": 1,
}


@dataclass(frozen=True)
class PeoplePlan:
    seed: int
    total: int
    today: int  # local day number the ages count from
    now: int  # epoch seconds
    password: str  # the one hash every account shares
    bases: dict[str, int]  # first reserved id per table
    agencies: tuple[int, ...]  # agency ids that get staff
    staff_per_agency: int
    batch_size: int  # people in every batch but the last

    @property
    def batches(self) -> int:
        return -(-self.total // self.batch_size)

    @property
    def serials(self) -> int:
        """Civil ID serials per birth date for each batch."""
        return SERIALS // self.batches

    @property
    def staff_quota(self) -> int:
        return -(-self.staff_per_agency * len(self.agencies) // self.batches)


def batch_size(people: int, asked: int) -> int:
    """The size asked, or more when more batches would leave each too few civil ID serials."""
    return max(asked, -(-people // MOST_BATCHES))


def staff_per_agency(people: int) -> int:
    return max(3, min(200, people // 25_000))


def first_state() -> dict[str, Any]:
    return {"batch": 0}


@dataclass(slots=True, eq=False)
class _Person:
    kind: str  # kuwaiti, expatriate, domestic (a domestic worker)
    age: int
    sex: str
    nationality: str
    marital: str
    name_ar: str = ""
    name_en: str = ""
    birth: int = 0  # day number
    civil_id: str = ""
    governorate: str = ""
    area: str = ""
    residency: str = "none"
    residency_expiry: int | None = None
    civil_id_expiry: int = 0
    employment: str = "none"
    insured: bool = False
    disability: bool = False
    id: int = 0
    father: _Person | None = None
    mother: _Person | None = None
    sponsor: _Person | None = None
    spouse: _Person | None = None


class Population:
    """Makes the people batches of one plan."""

    def __init__(self, plan: PeoplePlan, times: Times) -> None:
        self.plan, self.times = plan, times
        self.password = plain(plan.password)

    def batch(self, done: int, state: dict[str, Any]) -> Batch:
        plan = self.plan
        number = done // plan.batch_size
        self.rng = random.Random(f"{plan.seed}:people:{number}")
        first = number * plan.batch_size
        # Where this batch's ids and numbers start (offsets from the plan's first ids).
        self.next = {"vehicles": 2 * first, "companies": first, "users": first, "passports": first}
        self.staff, self.staff_end = number * plan.staff_quota, (number + 1) * plan.staff_quota
        self.staff_end = min(self.staff_end, plan.staff_per_agency * len(plan.agencies))
        self.first_serial = FIRST_SERIAL + number * plan.serials
        self.serials: dict[int, int] = {}  # next serial per birth day, in this batch's slice
        size = min(plan.batch_size, plan.total - done)
        people: list[_Person] = []
        households: list[list[_Person]] = []
        while len(people) < size:
            household = self._household()[: size - len(people)]
            if len(household) == 1:  # the last household of the load, cut short
                household[0].spouse = None
            households.append(household)
            people.extend(household)
        next_id = plan.bases["registry_person"] + done
        for person in people:
            person.id = next_id
            next_id += 1
        batch = Batch(PHASE, units=len(people), done=done + len(people), state={"batch": number + 1})
        self._write_people(batch, people)
        self._write_marriages(batch, households)
        self.companies: list[tuple[int, str]] = []  # (id, number) of this batch's companies
        self._write_belongings(batch, [p for p in people if p.age >= 18])
        self._write_accounts(batch, people)
        labour.write(  # with a generator of its own: the rows above stay as they were without it
            batch.rows("registry_workpermit", TABLES["registry_workpermit"]),
            batch.rows("registry_contributionstatement", TABLES["registry_contributionstatement"]),
            random.Random(f"{plan.seed}:labour:{number}"),
            self.times,
            plan.today,
            self.companies,
            [p for p in people if p.residency == "article-18"],
        )
        return batch

    # --- households -----------------------------------------------------------------------

    def _household(self) -> list[_Person]:
        kind = self.rng.random()
        if kind < 0.18:
            return self._kuwaiti_family()
        if kind < 0.40:
            return self._expatriate_family()
        return [self._expatriate_alone()]

    def _new(
        self, kind: str, name: tuple[Name, ...], sex: str, nationality: str, age: int, marital: str
    ) -> _Person:
        rng = self.rng
        person = _Person(kind, age, sex, nationality, marital)
        person.name_ar = plain(" ".join(part[0] for part in name))
        person.name_en = plain(" ".join(part[1] for part in name))
        person.birth, person.civil_id = self._civil_id(
            self.plan.today - between(rng, age * YEAR + 1, age * YEAR + 364)
        )
        area = pick(rng, AREAS)
        person.governorate, person.area = area["governorate"], area["code"]
        person.civil_id_expiry = self.plan.today + between(rng, -30, 1800)
        person.disability = rng.random() < 0.02
        return person

    def _civil_id(self, birth: int) -> tuple[int, str]:
        """A civil ID of this batch for someone born on that day; a day whose serials are all
        taken moves the birth a day earlier."""
        last = self.first_serial + self.plan.serials - 1
        while True:
            serial = self.serials.get(birth, self.first_serial)
            if serial <= last:
                civil_id = civil_id_for(from_day_number(birth), serial)
                taken = int(civil_id[7:11])
                if taken <= last:
                    self.serials[birth] = taken + 1
                    return birth, civil_id
                self.serials[birth] = last + 1
            birth -= 1

    def _kuwaiti_family(self) -> list[_Person]:
        rng = self.rng
        family, grandfather, first = (
            pick(rng, KUWAITI_FAMILY),
            pick(rng, KUWAITI_MALE),
            pick(rng, KUWAITI_MALE),
        )
        age = between(rng, 24, 75)
        father = self._new("kuwaiti", (first, grandfather, family), "M", "KW", age, "married")
        father.employment = (
            "retired" if age > 58 else pick(rng, ("government",) * 4 + ("private", "self-employed"))
        )
        father.insured = True
        mother_age = max(20, age - between(rng, 0, 10))
        mother = self._new(
            "kuwaiti",
            (pick(rng, KUWAITI_FEMALE), pick(rng, KUWAITI_MALE), pick(rng, KUWAITI_FAMILY)),
            "F",
            "KW",
            mother_age,
            "married",
        )
        mother.employment = "retired" if mother_age > 55 else pick(rng, ("government", "private", "none"))
        mother.insured = True
        father.spouse, members = mother, [father, mother]
        for _ in range(pick(rng, (0, 1, 2, 2, 3, 3, 4, 5))):
            child_age = between(rng, 0, max(0, min(mother_age - 19, 30)))
            sex = pick(rng, "MF")
            name = (pick(rng, KUWAITI_MALE if sex == "M" else KUWAITI_FEMALE), first, family)
            child = self._new("kuwaiti", name, sex, "KW", child_age, "single")
            child.employment = (
                "student" if 5 <= child_age <= 22 else "none" if child_age < 5 else "government"
            )
            child.insured = child_age > 22
            child.father, child.mother = father, mother
            members.append(child)
        for _ in range(pick(rng, (0, 0, 1, 1, 1, 2, 2, 3))):
            nationality, _, females, lasts = pick(rng, EXPATRIATES)
            worker = self._expatriate(
                "domestic", nationality, "F", pick(rng, females), pick(rng, lasts), "article-20"
            )
            worker.sponsor = father
            members.append(worker)
        return members

    def _expatriate(
        self, kind: str, nationality: str, sex: str, first: Name, last: Name, residency: str, age: int = -1
    ) -> _Person:
        rng = self.rng
        person = self._new(
            kind, (first, last), sex, nationality, age if age >= 0 else between(rng, 22, 60), "single"
        )
        person.employment = "none" if residency == "article-22" else "private"
        person.residency = residency
        person.residency_expiry = person.civil_id_expiry = self.plan.today + between(rng, -20, 700)
        return person

    def _expatriate_family(self) -> list[_Person]:
        rng = self.rng
        nationality, males, females, lasts = pick(rng, EXPATRIATES)
        last = pick(rng, lasts)
        father = self._expatriate(
            "expatriate",
            nationality,
            "M",
            pick(rng, males),
            last,
            pick(rng, ("article-18",) * 3 + ("article-17",)),
        )
        mother = self._expatriate("expatriate", nationality, "F", pick(rng, females), last, "article-22")
        father.marital = mother.marital = "married"
        father.spouse, mother.sponsor = mother, father
        members = [father, mother]
        for _ in range(between(rng, 0, 3) if mother.age >= 21 else 0):
            sex = pick(rng, "MF")
            first = pick(rng, males if sex == "M" else females)
            age = between(rng, 0, min(17, mother.age - 21))
            child = self._expatriate("expatriate", nationality, sex, first, last, "article-22", age=age)
            child.employment = "student" if child.age >= 5 else "none"
            child.father, child.mother, child.sponsor = father, mother, father
            members.append(child)
        return members

    def _expatriate_alone(self) -> _Person:
        rng = self.rng
        nationality, males, females, lasts = pick(rng, EXPATRIATES)
        sex = "M" if rng.random() < 0.75 else "F"
        residency = pick(rng, ("article-18",) * 6 + ("article-17", "article-19", "article-24"))
        first = pick(rng, males if sex == "M" else females)
        return self._expatriate("expatriate", nationality, sex, first, pick(rng, lasts), residency)

    # --- rows -----------------------------------------------------------------------------

    def _write_people(self, batch: Batch, people: list[_Person]) -> None:
        rows, date = batch.rows("registry_person", TABLES["registry_person"]), self.times.date
        for p in people:
            rows.append(
                f"{p.id}\t{p.civil_id}\t{p.name_ar}\t{p.name_en}\t{date(p.birth)}\t{p.sex}\t{p.nationality}\t"
                f"{p.governorate}\t{p.area}\t{p.marital}\t{p.residency}\t"
                f"{NULL if p.residency_expiry is None else date(p.residency_expiry)}\t{date(p.civil_id_expiry)}\t"
                f"{p.employment}\t{flag(p.insured)}\t{flag(p.disability)}\t{_id(p.father)}\t{_id(p.mother)}\t"
                f"{_id(p.sponsor)}\n"
            )

    def _write_marriages(self, batch: Batch, households: list[list[_Person]]) -> None:
        rows = batch.rows("registry_marriage", TABLES["registry_marriage"])
        for household in households:
            husband = household[0]
            wife = husband.spouse
            if wife is not None and len(household) > 1 and household[1] is wife:
                married = max(husband.birth, wife.birth) + 20 * YEAR + between(self.rng, 0, 3 * YEAR)
                if married > self.plan.today - 30:  # a young couple: married in the last year, spread
                    # by the civil ID, not by a draw (the rows made after it stay the same)
                    married = self.plan.today - 30 - int(husband.civil_id) % 335
                # No contract number: the journeys phase gives one to the last year's marriages.
                rows.append(f"{husband.id}\t{wife.id}\t{self.times.date(married)}\t{NULL}\t\n")

    def _write_belongings(self, batch: Batch, adults: list[_Person]) -> None:
        rng, state, today, date = self.rng, self.next, self.plan.today, self.times.date
        licences = batch.rows("registry_drivinglicence", TABLES["registry_drivinglicence"])
        vehicles = batch.rows("registry_vehicle", TABLES["registry_vehicle"])
        fines = batch.rows("registry_trafficfine", TABLES["registry_trafficfine"])
        passports = batch.rows("registry_passport", TABLES["registry_passport"])
        companies = batch.rows("registry_company", TABLES["registry_company"])
        roles = batch.rows("registry_companyrole", TABLES["registry_companyrole"])
        vehicle_base, company_base = self.plan.bases["registry_vehicle"], self.plan.bases["registry_company"]
        year = from_day_number(today).year
        for person in adults:
            kuwaiti = person.nationality == "KW"
            if person.kind != "domestic" and rng.random() < (0.7 if kuwaiti else 0.3):
                category = (
                    "private"
                    if kuwaiti or rng.random() < 0.85
                    else pick(rng, ("taxi", "truck", "motorcycle"))
                )
                licences.append(
                    f"DL{person.civil_id}\t{person.id}\t{category}\t{date(today - between(rng, 30, 3000))}\t"
                    f"{date(today + between(rng, -60, 5000 if kuwaiti else 1000))}\n"
                )
                for _ in range(pick(rng, (1, 1, 1, 2))):
                    number = state["vehicles"]
                    state["vehicles"] += 1
                    make, model = pick(rng, VEHICLES)
                    colour = pick(rng, COLOURS)
                    registration = today + between(rng, -60, 365)
                    insurance = registration + pick(rng, (0, 0, 0, -90))
                    vehicles.append(
                        f"{vehicle_base + number}\t{between(rng, 1, 99)}-{PLATE_FROM + number}\t{person.id}\t{make}\t"
                        f"{model}\t{between(rng, 2008, year)}\t{colour[0]}\t{colour[1]}\t{date(registration)}\t"
                        f"{date(insurance)}\n"
                    )
                    if rng.random() < 0.2:
                        for _ in range(between(rng, 1, 3)):
                            offence_ar, offence_en, fils = pick(rng, OFFENCES)
                            paid = date(today - between(rng, 0, 30)) if rng.random() < 0.3 else NULL
                            fines.append(
                                f"{vehicle_base + number}\t{fils}\t{offence_ar}\t{offence_en}\t"
                                f"{date(today - between(rng, 1, 400))}\t{paid}\n"
                            )
            if kuwaiti and rng.random() < 0.9:
                passports.append(
                    f"K{PASSPORT_FROM + state['passports']}\t{person.id}\t{date(today - between(rng, 30, 3600))}\t"
                    f"{date(today + between(rng, -100, 3600))}\n"
                )
                state["passports"] += 1
            if rng.random() < (0.04 if kuwaiti else 0.01 if person.residency == "article-19" else 0.0):
                self._company(companies, roles, person, adults, company_base)

    def _company(
        self, companies: list[str], roles: list[str], owner: _Person, adults: list[_Person], base: int
    ) -> None:
        rng, state = self.rng, self.next
        number = state["companies"]
        state["companies"] += 1
        activity_ar, activity_en = pick(rng, ACTIVITIES)
        family_ar, family_en = owner.name_ar.split()[-1], owner.name_en.split()[-1]
        expiry = self.times.date(self.plan.today + between(rng, -30, 1000))
        companies.append(
            f"{base + number}\tCR-{COMPANY_FROM + number}\tشركة {family_ar} - {activity_ar}\t"
            f"{family_en} {activity_en} Co.\t{activity_ar}\t{activity_en}\t{expiry}\t[]\n"
        )
        roles.append(f"{base + number}\t{owner.id}\towner\n")
        self.companies.append((base + number, f"CR-{COMPANY_FROM + number}"))
        others = {owner.id}
        if owner.spouse is not None and rng.random() < 0.4:
            roles.append(f"{base + number}\t{owner.spouse.id}\tsignatory\n")
            others.add(owner.spouse.id)
        if rng.random() < 0.3:
            partner = pick(rng, adults)
            if partner.id not in others:
                roles.append(f"{base + number}\t{partner.id}\t{pick(rng, ('partner', 'signatory'))}\n")

    def _write_accounts(self, batch: Batch, people: list[_Person]) -> None:
        rng, state, plan, times = self.rng, self.next, self.plan, self.times
        users = batch.rows("identity_user", TABLES["identity_user"])
        staff = batch.rows("identity_staffmembership", TABLES["identity_staffmembership"])
        base, window = plan.bases["identity_user"], 4 * YEAR * DAY
        for person in people:
            if person.age < 18:
                continue
            kind = person.kind
            works_for_state = (
                kind == "kuwaiti" and person.employment == "government" and 22 <= person.age <= 60
            )
            joins_staff = works_for_state and self.staff < self.staff_end
            if not joins_staff and rng.random() >= ACCOUNT_SHARE[kind]:
                continue
            number = state["users"]
            state["users"] += 1
            joined = plan.now - window + int(window * rng.random() ** 0.6)
            joined = min(joined, plan.now - DAY)
            language = "en" if kind != "kuwaiti" and rng.random() < 0.6 else "ar"
            users.append(
                f"{base + number}\t{self.password}\t{NULL}\tf\t{person.civil_id}\t{person.name_ar}\t{person.name_en}"
                f"\t\t{language}\tt\tf\t{times.at(joined)}\tf\tf\t\t0\n"
            )
            if joins_staff:
                agencies = plan.agencies
                role = "supervisor" if self.staff < len(agencies) else "caseworker"
                agency = agencies[self.staff % len(agencies)]
                staff.append(f"{base + number}\t{agency}\t{role}\t{times.at(joined)}\n")
                self.staff += 1


def _id(person: _Person | None) -> str:
    return NULL if person is None else str(person.id)
