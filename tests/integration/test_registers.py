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


def test_the_population_is_the_same_for_the_same_seed():
    today = timezone.localdate()

    def population() -> list[str]:
        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                Person.objects.all().update(civil_id_expiry=today)  # keep the originals untouched
                from sahl.registry import models as m

                for model in (
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
                seed_registers(150, today, seed=7)
                made = sorted(Person.objects.values_list("civil_id", flat=True))
                raise Rollback
        except Rollback:
            return made

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


def test_an_unknown_civil_id_has_no_profile():
    assert registers().profile("290010100000", dt.date.today()) is None
