"""The demo's journeys: Ahmad's newborn as if the hospital had notified the birth (its journey half
done: what needs nobody ran by itself, the allowance is offered, the forms wait prefilled), and a
married journey for Bader and Dana, as if the Ministry of Justice had registered their contract."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sahl.journeys import services as journeys
from sahl.registry import models as m
from sahl.registry import services as register

DEMO_BIRTH = "B-DEMO-000001"
DEMO_CONTRACT = "MC-DEMO-000001"


def seed(named: dict[str, str], today: dt.date) -> list[str]:
    """Start both demo journeys once; says what it started."""
    journeys.load_journeys()  # published already by `load_journeys`; idempotent
    started = []
    with transaction.atomic():
        newborn = m.Person.objects.get(civil_id=named["newborn"])
        birth, created = m.Birth.objects.get_or_create(
            child=newborn, defaults={"notification_number": DEMO_BIRTH, "hospital": "maternity"}
        )
        if created:
            journeys.start_from_birth(f"birth:{birth.pk}")
            started.append("the newborn journey for Ahmad and Fatima's baby")
    if not m.Marriage.objects.filter(contract_number=DEMO_CONTRACT).exists():
        married = register.record_marriage(
            DEMO_CONTRACT, named["groom"], named["bride"], today - dt.timedelta(days=10), today
        )
        journeys.start_from_marriage(married.record)  # the event's task would do it once a worker runs
        started.append("the married journey for Bader and Dana")
    return started
