"""The simulated registers and the demo population."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from sahl.core.civil_id import CivilId
from sahl.demo.registry import seed_registers
from sahl.registry.adapters import registers
from sahl.registry.models import Person

pytestmark = pytest.mark.django_db


def test_every_person_has_a_valid_civil_id_matching_the_birth_date():
    for civil_id, birth in Person.objects.values_list("civil_id", "birth_date"):
        assert CivilId.parse(civil_id).birth_date == birth


def test_the_seeded_population_has_families_vehicles_and_workers():
    assert Person.objects.count() >= 400
    assert Person.objects.filter(father__isnull=False).exists()
    assert Person.objects.filter(residency="article-20", sponsor__isnull=False).exists()
    assert Person.objects.exclude(nationality="KW").count() > 50


class Rollback(Exception):
    pass


def _seeded_afresh(people: int, today: dt.date, seed: int) -> list[str]:
    """Seed registers emptied first (in a transaction rolled back after): the passports' numbers."""
    try:
        with transaction.atomic():
            Person.objects.all().update(civil_id_expiry=today)  # keep the originals untouched
            from sahl.registry import models as m

            for model in (
                m.ContributionStatement,
                m.CompanyPermit,
                m.WorkPermit,
                m.TrafficFine,
                m.Vehicle,
                m.DrivingLicence,
                m.Passport,
                m.CompanyRole,
                m.Company,
                m.Marriage,
            ):
                model.objects.all().delete()
            from sahl.identity.models import User

            User.objects.all().delete()
            Person.objects.update(father=None, mother=None, sponsor=None)
            Person.objects.all().delete()
            seed_registers(people, today, seed=seed)
            made = sorted(Person.objects.values_list("civil_id", flat=True))
            passports = list(m.Passport.objects.values_list("number", flat=True))
            raise Rollback
    except Rollback:
        return [*made, *passports]


def test_the_population_is_the_same_for_the_same_seed():
    today = timezone.localdate()

    def population() -> list[str]:
        return _seeded_afresh(150, today, 7)

    assert population() == population()


def test_the_named_demo_persons_have_their_situations(demo):
    today = timezone.localdate()
    father = registers().profile(demo["father"], today)
    assert father.facts["is_kuwaiti"] and len(father.facts["children"]) == 2
    assert any(child["age"] == 0 for child in father.facts["children"])
    assert len(father.facts["domestic_workers"]) == 1
    assert father.facts["spouses"][0]["civil_id"] == demo["mother"]

    expat = registers().profile(demo["expat"], today)
    assert expat.facts["nationality"] == "IN" and expat.facts["residency"] == "article-18"
    assert expat.facts["vehicles"][0]["registration_days_left"] == 7

    fines = registers().profile(demo["fines"], today)
    assert fines.facts["vehicles"][0]["unpaid_fines"] == 2
    assert fines.facts["vehicles"][0]["unpaid_fines_fils"] == 70_000

    owner = registers().profile(demo["owner"], today)
    assert owner.facts["companies"] == [{"number": "CR-100001", "role": "owner", "licence_days_left": 30}]
    assert owner.choices["applicant.companies"][0].label.ar.startswith("شركة الرشيدي")


def test_nouras_company_has_workers_permits_statements_and_a_representative(demo):
    """What Sahl Business shows her (issue 20, point 10): the numbers the stories check."""
    from sahl.identity.models import User
    from sahl.mandates import delegates
    from sahl.mandates.rules import Action, Basis
    from sahl.mandates.services import authorize

    today = timezone.localdate()
    company = registers().company("CR-100001")
    assert len(company.activities) == 3
    assert {p.agency for p in company.permits} == {"kff", "km"}
    force = registers().workforce("CR-100001", today, today + dt.timedelta(days=30))
    assert (force.workers, force.permits_expiring, force.permits_expired) == (25, 3, 0)
    # The others end 2 to 11 months ahead: a horizon of up to 60 days still finds the same 3.
    assert registers().workforce("CR-100001", today, today + dt.timedelta(days=60)).permits_expiring == 3
    workers = registers().workers("CR-100001", size=50).workers
    assert len({w.civil_id for w in workers}) == 25
    assert all(120_000 <= w.monthly_salary_fils <= 900_000 for w in workers)
    assert all(w.nationality != "KW" and w.residency_expiry > w.permit_expiry for w in workers)
    people = Person.objects.filter(civil_id__in=[w.civil_id for w in workers])
    assert set(people.values_list("residency", flat=True)) == {"article-18"}
    for worker in workers:
        assert CivilId.parse(worker.civil_id).birth_date == people.get(civil_id=worker.civil_id).birth_date

    statements = registers().statements("CR-100001")
    assert len(statements) == 3
    overdue = [s for s in statements if s.paid_on is None and s.due_on < today]
    assert len(overdue) == 1 and overdue[0] is statements[0]  # the newest month
    assert all(s.paid_fils == s.amount_fils > 0 for s in statements[1:])
    assert [s.period.day for s in statements] == [1, 1, 1]

    (delegation,) = delegates.of_company("CR-100001")
    assert delegation.state == "in_force" and delegation.mandate.scope == "labour"
    assert delegation.mandate.attorney_civil_id == demo["delegate"]
    assert delegation.mandate.granted_by_civil_id == demo["owner"]
    assert today + dt.timedelta(days=360) < delegation.mandate.valid_until <= today + dt.timedelta(days=366)
    khaled = User.objects.get(civil_id=demo["delegate"])
    assert authorize(khaled, "CR-100001", None, Action.ACT_AS).basis is Basis.DELEGATE


def test_an_unknown_civil_id_has_no_profile():
    assert registers().profile("290010100000", dt.date.today()) is None


def test_a_company_of_5000_workers_for_the_query_budgets():
    from sahl.demo.scale.labour import BIG_COMPANY, seed_big_company

    today = timezone.localdate()
    assert seed_big_company(today) == 5000
    force = registers().workforce(BIG_COMPANY, today, today + dt.timedelta(days=30))
    assert force.workers == 5000 and 0 < force.permits_expiring < 5000
    assert len(registers().statements(BIG_COMPANY)) == 3
    assert registers().company(BIG_COMPANY).roles[0].role == "owner"
    assert seed_big_company(today) == 0  # once


def test_the_demo_population_of_make_run_is_seeded_on_a_day_its_passports_would_clash():
    """`make run` seeds 3,000 people. On 2026-12-07 two of them had civil IDs ending in the same
    eight digits, so the same passport number, and seeding failed: a fresh machine could not start."""
    numbers = [n for n in _seeded_afresh(3000, dt.date(2026, 12, 7), 2026) if n.startswith("K")]
    assert len(numbers) > 1000
    assert len(numbers) == len(set(numbers)) and all(len(n) == 9 for n in numbers)
