"""Noura's company (CR-100001) as the registers hold it for Sahl Business: its other activities,
its 25 workers in the labour register, two other permits, three months of social-insurance
statements, and (seed_demo) one representative for its labour services.

The numbers a reviewer checks are fixed: exactly 3 work permits expire within the next 30 days
and none has expired (the others end 2 to 11 months ahead); of the 3 statements, the 2 older are
paid and the newest is overdue.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from sahl.demo.civil_ids import civil_id_for
from sahl.demo.names import EXPATRIATES, Name
from sahl.registry import models as m
from sahl.registry.geo import AREAS

COMPANY = "CR-100001"
WORKER_SERIAL = 60  # civil ID serials 60-99: neither the named persons (from 1) nor anyone else's

# Social insurance (PIFSS) covers the company's Kuwaiti employees only: expatriates are not insured
# with it. The company has 2 (its representative Khaled Al-Enezi and an accountant); Kuwaitis need
# no work permit, so they are not among the workers of the labour register. Each month the employer
# pays its share (11.5% of the salary) and the employee's (10.5%, kept from the salary): 22%.
# Simplified: one rate, no ceilings, the same salaries every month.
INSURED_SALARIES_FILS = (1_200_000, 950_000)
CONTRIBUTION_PERCENT = 22
STATEMENT_DUE_DAY = 15  # a month's statement is due on the 15th of the month after (simplified)

OCCUPATIONS: dict[str, Name] = {
    "construction": ("عامل بناء", "Construction worker"),
    "driver": ("سائق", "Driver"),
    "accountant": ("محاسب", "Accountant"),
    "sales": ("مندوب مبيعات", "Sales representative"),
    "electrician": ("فني كهرباء", "Electrician"),
    "plumber": ("سبّاك", "Plumber"),
    "engineer": ("مهندس مدني", "Civil engineer"),
    "supervisor": ("مشرف موقع", "Site supervisor"),
    "storekeeper": ("أمين مخزن", "Storekeeper"),
}
MORE_ACTIVITIES = (
    {"ar": "مقاولات المباني", "en": "Building contracting"},
    {"ar": "استيراد وتصدير مواد البناء", "en": "Import and export of building materials"},
)

# nationality, first name, family name (English, from names.py), sex, occupation, salary (KWD),
# days until the work permit expires (3 within 30 days, the rest 62 to 330).
WORKERS: tuple[tuple[str, str, str, str, str, int, int], ...] = (
    ("IN", "Suresh", "Nair", "M", "engineer", 900, 240),
    ("EG", "Mahmoud", "Hassan", "M", "accountant", 650, 150),
    ("EG", "Mona", "Ibrahim", "F", "accountant", 520, 300),
    ("IN", "Anil", "Menon", "M", "supervisor", 480, 9),
    ("BD", "Rafiq", "Rahman", "M", "construction", 140, 75),
    ("BD", "Abdul Karim", "Hossain", "M", "construction", 130, 95),
    ("BD", "Mohammad", "Islam", "M", "construction", 125, 18),
    ("PK", "Imran", "Khan", "M", "driver", 210, 120),
    ("PK", "Bilal", "Ahmed", "M", "driver", 200, 200),
    ("PK", "Asad", "Qureshi", "M", "construction", 150, 330),
    ("IN", "Thomas", "Nair", "M", "electrician", 320, 27),
    ("PH", "Jose", "Santos", "M", "electrician", 350, 180),
    ("PH", "Mark", "Reyes", "M", "plumber", 300, 260),
    ("PH", "Grace", "Cruz", "F", "sales", 400, 110),
    ("EG", "Amr", "Saeed", "M", "sales", 450, 140),
    ("SY", "Samer", "Haddad", "M", "sales", 420, 280),
    ("LK", "Nimal", "Perera", "M", "storekeeper", 260, 90),
    ("LK", "Sunil", "Silva", "M", "driver", 190, 160),
    ("IN", "Suresh", "Sharma", "M", "construction", 145, 220),
    ("BD", "Rafiq", "Islam", "M", "construction", 135, 310),
    ("EG", "Karim", "Adel", "M", "electrician", 340, 65),
    ("PK", "Imran", "Qureshi", "M", "plumber", 280, 235),
    ("IN", "Anil", "Kumar", "M", "driver", 220, 190),
    ("EG", "Mostafa", "Ibrahim", "M", "construction", 160, 125),
    ("PH", "Ramon", "Garcia", "M", "electrician", 360, 170),
)
RESIDENCY_AFTER_PERMIT = 14  # days: the residence permit ends a little after the work permit


def add_months(day: dt.date, months: int) -> dt.date:
    return day + relativedelta(months=months)


def _arabic(nationality: str) -> dict[str, str]:
    _, males, females, families = next(e for e in EXPATRIATES if e[0] == nationality)
    return {en: ar for ar, en in (*males, *females, *families)}


def contribution_fils(salaries_fils: tuple[int, ...] | list[int]) -> int:
    return sum(salaries_fils) * CONTRIBUTION_PERCENT // 100


def statement_periods(today: dt.date) -> list[dt.date]:
    """The first days of the last three months whose statement has fallen due, the oldest first."""
    newest = add_months(today.replace(day=1), -1 if today.day > STATEMENT_DUE_DAY else -2)
    return [add_months(newest, -back) for back in (2, 1, 0)]


def due_on(period: dt.date) -> dt.date:
    return add_months(period, 1).replace(day=STATEMENT_DUE_DAY)


def seed_company(today: dt.date, company: m.Company) -> int:
    """Noura's company's registers; returns how many people it added to the population register."""
    company.more_activities = list(MORE_ACTIVITIES)
    company.save(update_fields=["more_activities"])
    area = next(a for a in AREAS if a["governorate"] == "KW-FA")
    people, permits = [], []
    for i, (nationality, first, last, sex, job, salary, days) in enumerate(WORKERS):
        arabic = _arabic(nationality)
        birth = dt.date(1972 + (i * 7) % 25, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        permit_expiry = today + dt.timedelta(days=days)
        residency_expiry = permit_expiry + dt.timedelta(days=RESIDENCY_AFTER_PERMIT)
        worker = m.Person(
            civil_id=civil_id_for(birth, WORKER_SERIAL),
            name_ar=f"{arabic[first]} {arabic[last]}",
            name_en=f"{first} {last}",
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            governorate=area["governorate"],
            area=area["code"],
            marital_status="married" if i % 3 == 0 else "single",
            employment="private",
            residency="article-18",  # the company is the sponsor: not a person, so no `sponsor`
            residency_expiry=residency_expiry,
            civil_id_expiry=residency_expiry,
        )
        people.append(worker)
        occupation = OCCUPATIONS[job]
        permits.append(
            m.WorkPermit(
                company=company,
                worker=worker,
                permit_number=f"WP-{company.number[3:]}-{i + 1:03d}",
                occupation_ar=occupation[0],
                occupation_en=occupation[1],
                monthly_salary_fils=salary * 1000,
                permit_expiry=permit_expiry,
            )
        )
    m.Person.objects.bulk_create(people)
    m.WorkPermit.objects.bulk_create(permits)
    m.CompanyPermit.objects.bulk_create(
        [
            m.CompanyPermit(
                company=company,
                number=f"KFF-{company.number[3:]}",
                agency="kff",
                name_ar="ترخيص الإطفاء للمنشأة",
                name_en="Fire licence for the establishment",
                expires_on=today + dt.timedelta(days=200),
            ),
            m.CompanyPermit(
                company=company,
                number=f"KM-SIGN-{company.number[3:]}",
                agency="km",
                name_ar="ترخيص لوحة إعلانية",
                name_en="Signboard licence",
                expires_on=today + dt.timedelta(days=420),
            ),
        ]
    )
    amount = contribution_fils(INSURED_SALARIES_FILS)
    periods = statement_periods(today)
    statements = []
    for period in periods:
        paid = period != periods[-1]  # the newest is overdue: its due day has passed, unpaid
        statements.append(
            m.ContributionStatement(
                company=company,
                period=period,
                insured_count=len(INSURED_SALARIES_FILS),
                amount_fils=amount,
                due_on=due_on(period),
                paid_on=due_on(period) - dt.timedelta(days=5) if paid else None,
                paid_fils=amount if paid else 0,
                payment_reference=f"PIFSS-{period:%Y%m}-{company.number[3:]}" if paid else "",
            )
        )
    m.ContributionStatement.objects.bulk_create(statements)
    return len(people)


DELEGATE_SCOPE = "labour"


def grant_delegate(named: dict[str, str]) -> bool:
    """Noura has made Khaled Al-Enezi her company's representative for labour services for a year,
    and he accepted. Written as the row Sahl Business keeps (mandates.delegates), without the audit
    entries and events of the act itself: the demo's log starts empty. Once."""
    from django.utils import timezone

    from sahl.mandates.models import Mandate

    delegate = named["delegate"]
    if Mandate.objects.filter(
        kind=Mandate.Kind.COMPANY_DELEGATE, grantor_civil_id=COMPANY, attorney_civil_id=delegate
    ).exists():
        return False
    now = timezone.now()
    today = timezone.localdate()
    Mandate.objects.create(
        kind=Mandate.Kind.COMPANY_DELEGATE,
        grantor_civil_id=COMPANY,
        attorney_civil_id=delegate,
        scope=DELEGATE_SCOPE,
        valid_from=today,
        valid_until=add_months(today, 12) - dt.timedelta(days=1),
        application_reference="DLG-DEMO000001",
        granted_at=now,
        granted_by_civil_id=named["owner"],
        accepted_at=now,
    )
    return True
