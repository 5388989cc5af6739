"""The labour register and the social-insurance statements at scale, made with the people batch
they belong to: the companies of a batch employ its expatriates on private-sector residence
(article 18), each with one current work permit; each company has its last three months of
statements, about 1 in 10 of them unpaid past its due day.

Company sizes lean small as in the country: three in four have 1 to 20 workers, one in five 21 to
100, a few hundreds; the sizes drawn for a batch's companies are then scaled to the article-18
residents the batch has (with the shares of `people`, about 31 a company: the scale is near 1), so
nearly every one of them has an employer and every company has workers.

`seed_big_company` adds one company with exactly 5,000 workers (new people), through the ORM, for
the company pages' query budgets at that size; seed_scale adds it after the load.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Protocol

from django.db import transaction

from sahl.demo.business import (
    CONTRIBUTION_PERCENT,
    OCCUPATIONS,
    due_on,
    statement_periods,
)
from sahl.demo.scale.text import NULL, Times, between, day_number, from_day_number, pick

TABLES = {
    "registry_workpermit": "company_id, worker_id, permit_number, occupation_ar, occupation_en, "
    "monthly_salary_fils, permit_expiry, ended_on",
    "registry_contributionstatement": "company_id, period, insured_count, amount_fils, due_on, paid_on, "
    "paid_fils, payment_reference",
}
# The rows come in the order of their companies: indexes starting with company_id stay while they load.
STRIPPED = {
    "registry_workpermit": frozenset({"company_id"}),
    "registry_contributionstatement": frozenset({"company_id"}),
}
# occupation key, weight, monthly salary range in KWD
JOBS: tuple[tuple[str, int, int, int], ...] = (
    ("construction", 40, 120, 220),
    ("driver", 15, 150, 300),
    ("electrician", 10, 250, 450),
    ("plumber", 8, 220, 400),
    ("storekeeper", 7, 200, 350),
    ("sales", 10, 300, 600),
    ("accountant", 6, 450, 800),
    ("supervisor", 3, 400, 700),
    ("engineer", 1, 700, 1500),
)
_JOB_DRAW = tuple(job for job in JOBS for _ in range(job[1]))
UNPAID = (0.03, 0.07, 0.20)  # the chance a statement is unpaid, the oldest of the three first: ~10%
BIG_COMPANY, BIG_WORKERS = "CR-99000001", 5000  # beyond the load's numbers (people.COMPANY_FROM on)
BIG_SERIAL = 20  # civil ID serials 20-59 (see business.WORKER_SERIAL and people.FIRST_SERIAL)


class Worker(Protocol):
    id: int
    residency_expiry: int | None


def size(rng: random.Random) -> int:
    draw = rng.random()
    if draw < 0.75:
        return between(rng, 1, 20)
    if draw < 0.97:
        return between(rng, 21, 100)
    return between(rng, 101, 600)


def insured_salaries(rng: random.Random, workers: int) -> list[int]:
    """The monthly salaries (fils) of a company's insured Kuwaiti employees: 1 or 2, and 1 more for
    every 25 workers (simplified: expatriates are not insured with PIFSS)."""
    return [between(rng, 600, 2500) * 1000 for _ in range(between(rng, 1, 2) + workers // 25)]


def statement_rows(
    rng: random.Random, times: Times, today: dt.date, company_id: int, number: str, salaries: list[int]
) -> list[str]:
    amount = sum(salaries) * CONTRIBUTION_PERCENT // 100
    rows = []
    for period, unpaid in zip(statement_periods(today), UNPAID, strict=True):
        due = due_on(period)
        if rng.random() < unpaid:
            paid, paid_fils, reference = NULL, 0, ""
        else:
            paid = times.date(day_number(due) - between(rng, 0, 12))
            paid_fils, reference = amount, f"PIFSS-{period:%Y%m}-{number[3:]}"
        rows.append(
            f"{company_id}\t{period.isoformat()}\t{len(salaries)}\t{amount}\t{due.isoformat()}\t{paid}\t"
            f"{paid_fils}\t{reference}\n"
        )
    return rows


def permit_row(
    rng: random.Random, times: Times, today: int, company_id: int, permit: str, worker: Worker
) -> str:
    key, _, low, high = pick(rng, _JOB_DRAW)
    occupation_ar, occupation_en = OCCUPATIONS[key]
    # The work permit ends with the residence or a little before it.
    residency = worker.residency_expiry if worker.residency_expiry is not None else today + 365
    expiry = residency - between(rng, 0, 30)
    return (
        f"{company_id}\t{worker.id}\t{permit}\t{occupation_ar}\t{occupation_en}\t{between(rng, low, high) * 1000}\t"
        f"{times.date(expiry)}\t{NULL}\n"
    )


def write(
    permits: list[str],
    statements: list[str],
    rng: random.Random,
    times: Times,
    today: int,
    companies: Sequence[tuple[int, str]],
    pool: list[Worker],
) -> None:
    """The rows of a batch's companies (id, number): its article-18 residents (`pool`, shuffled
    here) shared out among them, and three months of statements for each."""
    rng.shuffle(pool)
    wanted = [size(rng) for _ in companies]
    # Scaled to the residents there are, the shape kept: nearly all are employed, no company empty
    # unless there are more companies than residents.
    total = sum(wanted) or 1
    taken, day = 0, from_day_number(today)
    for (company_id, number), asked in zip(companies, wanted, strict=True):
        count = min(max(1, asked * len(pool) // total), len(pool) - taken)
        for k in range(count):
            permits.append(
                permit_row(rng, times, today, company_id, f"WP-{number[3:]}-{k + 1:04d}", pool[taken])
            )
            taken += 1
        statements.extend(statement_rows(rng, times, day, company_id, number, insured_salaries(rng, count)))


def seed_big_company(
    today: dt.date, workers: int = BIG_WORKERS, *, number: str = BIG_COMPANY, using: str = "default"
) -> int:
    """One company with exactly `workers` workers (new article-18 residents), three months of
    statements and its owner, by bulk inserts in batches. Once, and one such company a database (its
    workers' civil IDs are fixed): a company of that number already there is left as it is. Returns
    the workers added (0 the second time)."""
    from sahl.demo.civil_ids import civil_id_for
    from sahl.demo.names import EXPATRIATES, KUWAITI_FAMILY, KUWAITI_MALE
    from sahl.registry import models as m
    from sahl.registry.geo import AREAS

    if m.Company.objects.using(using).filter(number=number).exists():
        return 0
    rng = random.Random(f"big-company:{number}")
    area = next(a for a in AREAS if a["governorate"] == "KW-AH")
    with transaction.atomic(using=using):
        owner_birth = dt.date(1970, 6, 1)
        owner = m.Person.objects.using(using).create(
            civil_id=civil_id_for(owner_birth, BIG_SERIAL),
            name_ar=f"{KUWAITI_MALE[9][0]} {KUWAITI_MALE[2][0]} {KUWAITI_FAMILY[12][0]}",
            name_en=f"{KUWAITI_MALE[9][1]} {KUWAITI_MALE[2][1]} {KUWAITI_FAMILY[12][1]}",
            birth_date=owner_birth,
            sex="M",
            nationality="KW",
            governorate=area["governorate"],
            area=area["code"],
            marital_status="married",
            employment="self-employed",
            is_insured=True,
            civil_id_expiry=today + dt.timedelta(days=1000),
        )
        company = m.Company.objects.using(using).create(
            number=number,
            name_ar="شركة الغانم الكبرى للمقاولات",
            name_en="Al-Ghanim Major Contracting Co.",
            activity_ar="تجارة عامة ومقاولات",
            activity_en="General trading and contracting",
            licence_expiry=today + dt.timedelta(days=400),
        )
        m.CompanyRole.objects.using(using).create(company=company, person=owner, role="owner")
        first_birth = today - dt.timedelta(days=22 * 365)
        for start in range(0, workers, 1000):
            people, permits = [], []
            for k in range(start, min(workers, start + 1000)):
                nationality, males, _, families = pick(rng, EXPATRIATES)
                birth = first_birth - dt.timedelta(days=2 * k)  # one a birth day: unique civil IDs
                residency = today + dt.timedelta(days=between(rng, -10, 720))
                first, last = pick(rng, males), pick(rng, families)
                person = m.Person(
                    civil_id=civil_id_for(birth, BIG_SERIAL),
                    name_ar=f"{first[0]} {last[0]}",
                    name_en=f"{first[1]} {last[1]}",
                    birth_date=birth,
                    sex="M",
                    nationality=nationality,
                    governorate=area["governorate"],
                    area=area["code"],
                    marital_status="single",
                    employment="private",
                    residency="article-18",
                    residency_expiry=residency,
                    civil_id_expiry=residency,
                )
                people.append(person)
                key, _, low, high = pick(rng, _JOB_DRAW)
                permits.append(
                    m.WorkPermit(
                        company=company,
                        worker=person,
                        permit_number=f"WP-{number[3:]}-{k + 1:04d}",
                        occupation_ar=OCCUPATIONS[key][0],
                        occupation_en=OCCUPATIONS[key][1],
                        monthly_salary_fils=between(rng, low, high) * 1000,
                        permit_expiry=residency - dt.timedelta(days=between(rng, 0, 30)),
                    )
                )
            m.Person.objects.using(using).bulk_create(people)
            m.WorkPermit.objects.using(using).bulk_create(permits)
        salaries = insured_salaries(rng, workers)
        amount = sum(salaries) * CONTRIBUTION_PERCENT // 100
        *paid, overdue = statement_periods(today)  # the newest is overdue, as at Noura's
        m.ContributionStatement.objects.using(using).bulk_create(
            [
                *(
                    m.ContributionStatement(
                        company=company,
                        period=period,
                        insured_count=len(salaries),
                        amount_fils=amount,
                        due_on=due_on(period),
                        paid_on=due_on(period) - dt.timedelta(days=3),
                        paid_fils=amount,
                        payment_reference=f"PIFSS-{period:%Y%m}-{number[3:]}",
                    )
                    for period in paid
                ),
                m.ContributionStatement(
                    company=company,
                    period=overdue,
                    insured_count=len(salaries),
                    amount_fils=amount,
                    due_on=due_on(overdue),
                ),
            ]
        )
    return workers
