"""A deterministic synthetic population for the simulated registers.

The same `people` count and seed always give the same people, civil IDs, vehicles and fines, so
demo logins and tests can name them. Named demo persons come first, with situations a reviewer
can try at once (see DEMO_PERSONS and the README).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction

from sahl.core.civil_id import make_civil_id
from sahl.demo.civil_ids import card_of, civil_id_for
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
from sahl.registry import models as m
from sahl.registry.geo import AREAS

BATCH = 2000


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name_ar: str
    name_en: str
    birth_date: dt.date
    sex: str
    nationality: str
    story_en: str
    marital_status: str
    employment: str
    governorate: str
    is_insured: bool = False
    residency: str = "none"
    residency_days: int = 0  # days left on the residence permit (expatriates)


@dataclass
class SeedReport:
    people: int = 0
    vehicles: int = 0
    fines: int = 0
    licences: int = 0
    passports: int = 0
    companies: int = 0
    named: dict[str, str] = field(default_factory=dict)


def _years_ago(today: dt.date, years: int, days: int = 0) -> dt.date:
    try:
        return today.replace(year=today.year - years) - dt.timedelta(days=days)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) - dt.timedelta(days=days)


def demo_persons(today: dt.date) -> list[DemoPerson]:
    P = DemoPerson
    return [
        P(
            "father",
            "أحمد خالد المطيري",
            "Ahmad Khalid Al-Mutairi",
            dt.date(1988, 3, 14),
            "M",
            "KW",
            "Kuwaiti father of a newborn; his car can be renewed; his passport expires soon",
            "married",
            "government",
            "KW-HA",
            is_insured=True,
        ),
        P(
            "mother",
            "فاطمة يوسف العنزي",
            "Fatima Yousef Al-Enezi",
            dt.date(1991, 7, 2),
            "F",
            "KW",
            "Kuwaiti mother of the newborn",
            "married",
            "private",
            "KW-HA",
            is_insured=True,
        ),
        P(
            "daughter",
            "سارة أحمد المطيري",
            "Sara Ahmad Al-Mutairi",
            _years_ago(today, 6, 40),
            "F",
            "KW",
            "their 6-year-old daughter",
            "single",
            "student",
            "KW-HA",
        ),
        P(
            "newborn",
            "خالد أحمد المطيري",
            "Khalid Ahmad Al-Mutairi",
            today - dt.timedelta(days=10),
            "M",
            "KW",
            "their son, born 10 days ago",
            "single",
            "none",
            "KW-HA",
        ),
        P(
            "worker",
            "ماريا سانتوس",
            "Maria Santos",
            dt.date(1990, 2, 11),
            "F",
            "PH",
            "the family's domestic worker (article 20)",
            "single",
            "private",
            "KW-HA",
            residency="article-20",
            residency_days=200,
        ),
        P(
            "expat",
            "راجيش كومار",
            "Rajesh Kumar",
            dt.date(1985, 11, 20),
            "M",
            "IN",
            "expatriate engineer whose car registration expires next week",
            "married",
            "private",
            "KW-FA",
            residency="article-18",
            residency_days=300,
        ),
        P(
            "fines",
            "محمد سالم العجمي",
            "Mohammad Salem Al-Ajmi",
            dt.date(1979, 1, 5),
            "M",
            "KW",
            "has 2 unpaid traffic fines on his car",
            "married",
            "government",
            "KW-JA",
            is_insured=True,
        ),
        P(
            "owner",
            "نورة حمد الرشيدي",
            "Noura Hamad Al-Rashidi",
            dt.date(1983, 9, 9),
            "F",
            "KW",
            "owns a trading company whose licence expires in a month; 25 workers, 3 permits expiring",
            "divorced",
            "self-employed",
            "KW-KU",
            is_insured=True,
        ),
        P(
            "caseworker",
            "يوسف علي الكندري",
            "Yousef Ali Al-Kandari",
            dt.date(1986, 5, 22),
            "M",
            "KW",
            "caseworker at the Ministry of Interior",
            "married",
            "government",
            "KW-MU",
            is_insured=True,
        ),
        P(
            "paci-staff",
            "ريم بدر العوضي",
            "Reem Bader Al-Awadhi",
            dt.date(1992, 12, 3),
            "F",
            "KW",
            "caseworker at the Public Authority for Civil Information",
            "single",
            "government",
            "KW-AH",
            is_insured=True,
        ),
        P(
            "operator",
            "سلمان ناصر العتيبي",
            "Salman Nasser Al-Otaibi",
            dt.date(1984, 4, 17),
            "M",
            "KW",
            "operator of the platform: payments reconciliation",
            "married",
            "government",
            "KW-KU",
            is_insured=True,
        ),
        P(
            "groom",
            "بدر سالم الرشيدي",
            "Bader Salem Al-Rashidi",
            dt.date(1997, 6, 21),
            "M",
            "KW",
            "newly married Kuwaiti government employee: the married journey",
            "single",  # the demo registers his marriage contract, as the Ministry of Justice would
            "government",
            "KW-JA",
            is_insured=True,
        ),
        P(
            "bride",
            "دانة فهد الشمري",
            "Dana Fahad Al-Shammari",
            dt.date(1999, 2, 11),
            "F",
            "KW",
            "his wife, a Kuwaiti private-sector employee: the married journey",
            "single",
            "private",
            "KW-JA",
            is_insured=True,
        ),
        # New named persons go last: a civil ID comes from the position in this list.
        P(
            "delegate",
            "خالد مبارك العنزي",
            "Khaled Mubarak Al-Enezi",
            dt.date(1990, 10, 8),
            "M",
            "KW",
            "Noura's company representative for labour services",
            "married",
            "private",
            "KW-AH",
            is_insured=True,
        ),
        P(
            "newcomer",
            "منيرة سالم الرشيدي",
            "Munira Salem Al-Rashidi",
            dt.date(1996, 5, 20),
            "F",
            "KW",
            "has no Sahl account yet: she joins with her civil ID card",
            "single",
            "government",
            "KW-HA",
            is_insured=True,
        ),
        P(
            "moi-admin",
            "هيفاء سعد الهاجري",
            "Haifa Saad Al-Hajri",
            dt.date(1981, 9, 14),
            "F",
            "KW",
            "agency administrator at the Ministry of Interior: appoints its staff in Sahl",
            "married",
            "government",
            "KW-FA",
            is_insured=True,
        ),
    ]


def passport_number(civil_id: str, taken: set[str]) -> str:
    """ "K" and the civil ID's last eight digits, as the demo's passports read; the next free number
    when another person's ID ends alike (two IDs share their last eight digits when the month's
    second digit, the day and the serial match: about one seeding in three of 3,000 people)."""
    number = int(civil_id[-8:])
    while (found := f"K{number:08d}") in taken:
        number = (number + 1) % 10**8
    taken.add(found)
    return found


@transaction.atomic
def seed_registers(people: int, today: dt.date, seed: int = 2026) -> SeedReport:
    """Create the named demo persons and about `people` people in all. Runs once per database:
    if the named persons exist already, nothing is created."""
    report = SeedReport()
    named = {p.key: civil_id_for(p.birth_date, 1 + i) for i, p in enumerate(demo_persons(today))}
    report.named = named
    if m.Person.objects.filter(civil_id=named["father"]).exists():
        _top_up(today, named, report)
        return report
    _seed_named(today, named, report)
    _Population(random.Random(seed), today, report).create(max(0, people - len(named)))
    return report


def _top_up(today: dt.date, ids: dict[str, str], report: SeedReport) -> None:
    """A database seeded before the named persons at the end of the list, or Noura's company's
    workers and statements, were added gets them (once: the statements are made last)."""
    from sahl.demo import business

    if m.ContributionStatement.objects.filter(company__number=business.COMPANY).exists():
        return
    known = set(m.Person.objects.filter(civil_id__in=ids.values()).values_list("civil_id", flat=True))
    for person in demo_persons(today):
        if ids[person.key] not in known:
            _named_person(today, person, ids)
            report.people += 1
    company = m.Company.objects.filter(number=business.COMPANY).first()
    if company is not None and not m.WorkPermit.objects.filter(company=company).exists():
        report.people += business.seed_company(today, company)


def _named_person(today: dt.date, person: DemoPerson, ids: dict[str, str]) -> m.Person:
    area = next(a for a in AREAS if a["governorate"] == person.governorate)  # its first area
    expiry = today + dt.timedelta(days=person.residency_days) if person.residency_days else None
    serial, mobile = card_of(ids[person.key], adult=_years_ago(today, 18) >= person.birth_date)
    return m.Person.objects.create(
        civil_id=ids[person.key],
        card_serial=serial,
        mobile=mobile,
        name_ar=person.name_ar,
        name_en=person.name_en,
        birth_date=person.birth_date,
        sex=person.sex,
        nationality=person.nationality,
        governorate=person.governorate,
        area=area["code"],
        marital_status=person.marital_status,
        employment=person.employment,
        is_insured=person.is_insured,
        residency=person.residency,
        residency_expiry=expiry,
        civil_id_expiry=expiry or today + dt.timedelta(days=900),
    )


def _seed_named(today: dt.date, ids: dict[str, str], report: SeedReport) -> None:
    from sahl.demo import business

    persons = {person.key: _named_person(today, person, ids) for person in demo_persons(today)}
    father, mother = persons["father"], persons["mother"]
    for child in ("daughter", "newborn"):
        persons[child].father, persons[child].mother = father, mother
        persons[child].save(update_fields=["father", "mother"])
    persons["worker"].sponsor = father
    persons["worker"].save(update_fields=["sponsor"])
    m.Marriage.objects.create(husband=father, wife=mother, married_on=dt.date(2017, 4, 20))

    def vehicle(
        owner: m.Person, plate: str, make: str, model: str, year: int, reg: int, ins: int
    ) -> m.Vehicle:
        report.vehicles += 1
        return m.Vehicle.objects.create(
            plate=plate,
            owner=owner,
            make=make,
            model=model,
            year=year,
            colour_ar="أبيض",
            colour_en="white",
            registration_expiry=today + dt.timedelta(days=reg),
            insurance_expiry=today + dt.timedelta(days=ins),
        )

    vehicle(father, "12-10001", "Toyota", "Land Cruiser", 2021, 40, 200)
    vehicle(persons["expat"], "45-20002", "Toyota", "Camry", 2019, 7, 180)
    fined = vehicle(persons["fines"], "7-30003", "Nissan", "Patrol", 2018, 20, 150)
    for offence_ar, offence_en, fils in OFFENCES[:2]:
        m.TrafficFine.objects.create(
            vehicle=fined,
            amount_fils=fils,
            offence_ar=offence_ar,
            offence_en=offence_en,
            issued_on=today - dt.timedelta(days=45),
        )
        report.fines += 1
    for key, days in (("father", 2900), ("expat", 400), ("fines", 1500), ("owner", 2000)):
        m.DrivingLicence.objects.create(
            number=f"DL{ids[key]}",
            holder=persons[key],
            category="private",
            issued_on=today - dt.timedelta(days=1000),
            expires_on=today + dt.timedelta(days=days),
        )
        report.licences += 1
    for key, days in (("father", 60), ("mother", 1500), ("fines", 900), ("owner", 2500)):
        m.Passport.objects.create(
            number=f"K{ids[key][-8:]}",
            holder=persons[key],
            issued_on=today - dt.timedelta(days=3000),
            expires_on=today + dt.timedelta(days=days),
        )
        report.passports += 1
    company = m.Company.objects.create(
        number="CR-100001",
        name_ar="شركة الرشيدي للتجارة العامة والمقاولات",
        name_en="Al-Rashidi General Trading and Contracting Co.",
        activity_ar=ACTIVITIES[0][0],
        activity_en=ACTIVITIES[0][1],
        licence_expiry=today + dt.timedelta(days=30),
    )
    m.CompanyRole.objects.create(company=company, person=persons["owner"], role="owner")
    report.people += business.seed_company(today, company)  # its workers, permits and statements
    report.companies += 1
    report.people += len(persons)


class _Population:
    """Households of Kuwaiti families, expatriate families and single expatriate workers."""

    def __init__(self, rng: random.Random, today: dt.date, report: SeedReport) -> None:
        self.rng, self.today, self.report = rng, today, report
        self.used: set[str] = set(report.named.values())
        self.plate = 50000
        self.company = 200000

    def create(self, count: int) -> None:
        while count > 0:
            batch = min(BATCH, count)
            self._batch(batch)
            count -= batch

    def _civil_id(self, birth_date: dt.date) -> str:
        while True:
            civil_id = make_civil_id(birth_date, self.rng.randint(1000, 9999))
            if civil_id is not None and civil_id.value not in self.used:
                self.used.add(civil_id.value)
                return civil_id.value

    def _birth(self, age_from: int, age_to: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(age_from * 365 + 1, age_to * 365 + 364))

    def _person(
        self, name: tuple[Name, ...], sex: str, nationality: str, birth: dt.date, **fields: object
    ) -> m.Person:
        area = self.rng.choice(AREAS)
        days = self.rng.randint(-30, 1800)
        civil_id = self._civil_id(birth)
        serial, mobile = card_of(civil_id, adult=_years_ago(self.today, 18) >= birth)
        return m.Person(
            civil_id=civil_id,
            card_serial=serial,
            mobile=mobile,
            name_ar=" ".join(part[0] for part in name),
            name_en=" ".join(part[1] for part in name),
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            governorate=area["governorate"],
            area=area["code"],
            civil_id_expiry=self.today + dt.timedelta(days=days),
            has_disability=self.rng.random() < 0.02,
            **fields,
        )

    def _households(self, size: int) -> Iterator[list[tuple[m.Person, str | None]]]:
        """Yield households as [(person, role)], roles: father, mother, child, worker."""
        made = 0
        while made < size:
            kind = self.rng.random()
            household = (
                self._kuwaiti() if kind < 0.4 else self._expat_family() if kind < 0.6 else self._single()
            )
            made += len(household)
            yield household

    def _kuwaiti(self) -> list[tuple[m.Person, str | None]]:
        rng = self.rng
        family = rng.choice(KUWAITI_FAMILY)
        grandfather = rng.choice(KUWAITI_MALE)
        father_first = rng.choice(KUWAITI_MALE)
        age = rng.randint(24, 75)
        employment = "retired" if age > 58 else rng.choice(["government"] * 4 + ["private", "self-employed"])
        father = self._person(
            (father_first, grandfather, family),
            "M",
            "KW",
            self._birth(age, age),
            marital_status="married",
            employment=employment,
            is_insured=True,
        )
        mother_age = max(20, age - rng.randint(0, 10))
        mother = self._person(
            (rng.choice(KUWAITI_FEMALE), rng.choice(KUWAITI_MALE), rng.choice(KUWAITI_FAMILY)),
            "F",
            "KW",
            self._birth(mother_age, mother_age),
            marital_status="married",
            employment=rng.choice(["government", "private", "none"]),
            is_insured=True,
        )
        members: list[tuple[m.Person, str | None]] = [(father, "father"), (mother, "mother")]
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5])):
            child_age = rng.randint(0, max(0, min(mother_age - 19, 30)))
            sex = rng.choice("MF")
            first = rng.choice(KUWAITI_MALE if sex == "M" else KUWAITI_FEMALE)
            employment = "student" if 5 <= child_age <= 22 else "none" if child_age < 5 else "government"
            members.append(
                (
                    self._person(
                        (first, father_first, family),
                        sex,
                        "KW",
                        self._birth(child_age, child_age),
                        marital_status="single",
                        employment=employment,
                        is_insured=child_age > 22,
                    ),
                    "child",
                )
            )
        if rng.random() < 0.35:
            nationality, _, females, lasts = rng.choice(EXPATRIATES)
            members.append(
                (
                    self._expat(nationality, "F", rng.choice(females), rng.choice(lasts), "article-20"),
                    "worker",
                )
            )
        return members

    def _expat(
        self, nationality: str, sex: str, first: Name, last: Name, residency: str, age: int | None = None
    ) -> m.Person:
        age = age if age is not None else self.rng.randint(22, 60)
        expiry = self.today + dt.timedelta(days=self.rng.randint(-20, 700))
        person = self._person(
            (first, last),
            sex,
            nationality,
            self._birth(age, age),
            marital_status="single",
            employment="private" if residency != "article-22" else "none",
            residency=residency,
            residency_expiry=expiry,
        )
        person.civil_id_expiry = expiry
        return person

    def _expat_family(self) -> list[tuple[m.Person, str | None]]:
        rng = self.rng
        nationality, males, females, lasts = rng.choice(EXPATRIATES)
        last = rng.choice(lasts)
        father = self._expat(
            nationality, "M", rng.choice(males), last, rng.choice(["article-18"] * 3 + ["article-17"])
        )
        father.marital_status = "married"
        mother = self._expat(nationality, "F", rng.choice(females), last, "article-22")
        mother.marital_status = "married"
        members: list[tuple[m.Person, str | None]] = [(father, "father"), (mother, "mother")]
        for _ in range(rng.randint(0, 3)):
            sex = rng.choice("MF")
            child = self._expat(
                nationality,
                sex,
                rng.choice(males if sex == "M" else females),
                last,
                "article-22",
                age=rng.randint(0, 17),
            )
            child.employment = "student"
            members.append((child, "child"))
        return members

    def _single(self) -> list[tuple[m.Person, str | None]]:
        rng = self.rng
        nationality, males, females, lasts = rng.choice(EXPATRIATES)
        sex = "M" if rng.random() < 0.75 else "F"
        residency = rng.choice(["article-18"] * 6 + ["article-17", "article-19", "article-24"])
        return [
            (
                self._expat(
                    nationality,
                    sex,
                    rng.choice(males if sex == "M" else females),
                    rng.choice(lasts),
                    residency,
                ),
                None,
            )
        ]

    def _batch(self, size: int) -> None:
        households = list(self._households(size))
        heads = [p for h in households for p, role in h if role in (None, "father", "mother")]
        m.Person.objects.bulk_create(heads)
        others = []
        for household in households:
            roles = {role: p for p, role in household}
            for person, role in household:
                if role == "child":
                    person.father, person.mother = roles["father"], roles["mother"]
                    others.append(person)
                elif role == "worker":
                    person.sponsor = roles["father"]
                    others.append(person)
        m.Person.objects.bulk_create(others)
        m.Marriage.objects.bulk_create(
            m.Marriage(
                husband=h_roles["father"],
                wife=h_roles["mother"],
                married_on=max(h_roles["father"].birth_date, h_roles["mother"].birth_date)
                + dt.timedelta(days=365 * 20),
            )
            for h_roles in ({role: p for p, role in h} for h in households)
            if "father" in h_roles
        )
        self.report.people += len(heads) + len(others)
        self._belongings([p for p in heads + others if self._age(p) >= 18])

    def _age(self, person: m.Person) -> int:
        return (self.today - person.birth_date).days // 365

    def _belongings(self, adults: list[m.Person]) -> None:
        rng, today = self.rng, self.today
        vehicles, licences, passports, companies, roles = [], [], [], [], []
        taken = set(m.Passport.objects.values_list("number", flat=True))
        for person in adults:
            kuwaiti = person.nationality == "KW"
            if person.residency != "article-20" and rng.random() < (0.7 if kuwaiti else 0.3):
                licences.append(
                    m.DrivingLicence(
                        number=f"DL{person.civil_id}",
                        holder=person,
                        category="private",
                        issued_on=today - dt.timedelta(days=rng.randint(30, 3000)),
                        expires_on=today + dt.timedelta(days=rng.randint(-60, 5000 if kuwaiti else 1000)),
                    )
                )
                for _ in range(rng.choice([1, 1, 1, 2])):
                    make, model = rng.choice(VEHICLES)
                    colour = rng.choice(COLOURS)
                    registration = rng.randint(-60, 365)
                    self.plate += 1
                    vehicles.append(
                        m.Vehicle(
                            plate=f"{rng.randint(1, 99)}-{self.plate}",
                            owner=person,
                            make=make,
                            model=model,
                            year=rng.randint(2008, today.year),
                            colour_ar=colour[0],
                            colour_en=colour[1],
                            registration_expiry=today + dt.timedelta(days=registration),
                            insurance_expiry=today
                            + dt.timedelta(days=registration + rng.choice([0, 0, 0, -90])),
                        )
                    )
            if kuwaiti:
                passports.append(
                    m.Passport(
                        number=passport_number(person.civil_id, taken),
                        holder=person,
                        issued_on=today - dt.timedelta(days=rng.randint(30, 3600)),
                        expires_on=today + dt.timedelta(days=rng.randint(-100, 3600)),
                    )
                )
                if rng.random() < 0.04:
                    self.company += 1
                    activity = rng.choice(ACTIVITIES)
                    family_ar, family_en = person.name_ar.split()[-1], person.name_en.split()[-1]
                    companies.append(
                        m.Company(
                            number=f"CR-{self.company}",
                            name_ar=f"شركة {family_ar} - {activity[0]}",
                            name_en=f"{family_en} {activity[1]} Co.",
                            activity_ar=activity[0],
                            activity_en=activity[1],
                            licence_expiry=today + dt.timedelta(days=rng.randint(-30, 1000)),
                        )
                    )
                    roles.append(m.CompanyRole(company=companies[-1], person=person, role="owner"))
        m.Vehicle.objects.bulk_create(vehicles)
        m.DrivingLicence.objects.bulk_create(licences)
        m.Passport.objects.bulk_create(passports)
        m.Company.objects.bulk_create(companies)
        m.CompanyRole.objects.bulk_create(roles)
        fines = []
        for v in vehicles:
            if rng.random() < 0.2:
                for _ in range(rng.randint(1, 3)):
                    offence = rng.choice(OFFENCES)
                    fines.append(
                        m.TrafficFine(
                            vehicle=v,
                            amount_fils=offence[2],
                            offence_ar=offence[0],
                            offence_en=offence[1],
                            issued_on=today - dt.timedelta(days=rng.randint(1, 400)),
                            paid_on=today if rng.random() < 0.3 else None,
                        )
                    )
        m.TrafficFine.objects.bulk_create(fines)
        self.report.vehicles += len(vehicles)
        self.report.licences += len(licences)
        self.report.passports += len(passports)
        self.report.companies += len(companies)
        self.report.fines += len(fines)


DEMO_BIRTH = "B-DEMO-000001"


def demo_birth(named: dict[str, str]) -> str:
    """The hospital's notification of the demo newborn's birth, as the births register would hold
    it (once): its record name, which starts the newborn journey."""
    newborn = m.Person.objects.get(civil_id=named["newborn"])
    birth, _ = m.Birth.objects.get_or_create(
        child=newborn, defaults={"notification_number": DEMO_BIRTH, "hospital": "maternity"}
    )
    return f"birth:{birth.pk}"
