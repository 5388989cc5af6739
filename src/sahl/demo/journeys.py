"""The demo's journeys: Ahmad's newborn as if the hospital had notified the birth (its journey half
done: what needs nobody ran by itself, the allowance is offered, the forms wait prefilled), and a
married journey for Bader and Dana, as if the Ministry of Justice had registered their contract."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sahl.demo.registry import demo_birth
from sahl.journeys import publishing
from sahl.journeys import services as journeys
from sahl.journeys.models import Journey
from sahl.registry import services as register

DEMO_CONTRACT = "MC-DEMO-000001"


def seed(named: dict[str, str], today: dt.date) -> list[str]:
    """Start both demo journeys once; says what it started. (The registers' events would start them
    too when a worker runs; a journey per register entry, so they start once either way.)"""
    publishing.load_journeys()  # published already by `load_journeys`; idempotent
    started = []
    with transaction.atomic():
        birth = demo_birth(named)
        if not Journey.objects.filter(code="newborn", record=birth).exists():
            journeys.start_from_birth(birth)
            started.append("the newborn journey for Ahmad and Fatima's baby")
    married = register.record_marriage(
        DEMO_CONTRACT, named["groom"], named["bride"], today - dt.timedelta(days=10), today
    )
    if not Journey.objects.filter(code="married", record=married.record).exists():
        journeys.start_from_marriage(married.record)
        started.append("the married journey for Bader and Dana")
    return started
