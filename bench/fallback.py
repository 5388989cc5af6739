"""Until `manage.py seed_scale` exists: accounts, caseworkers and applications on top of seed_demo.

seed_demo gives logins to its eight named people only. The benchmark needs many: this opens
accounts for synthetic people (every owner of a renewable car, then others), all with the demo
password hashed once (as a loader sharing one password would), appoints Ministry of Interior
caseworkers, and files one or two "lost document report" applications per person through
Sahl's own service (no fee, worked by MOI's caseworkers: they fill "my applications", the detail
pages and the caseworkers' queue). Run as `python -m bench.fallback` with DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import os

import django

ACCOUNTS = 1500
CASEWORKERS = 12
SECOND_APPLICATION = 500  # the first 500 people file a second one
REPORT = "moi.lost-document-report"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahl.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from sahl.applications import filing
    from sahl.catalogue.models import Agency
    from sahl.demo.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
    from sahl.identity.models import User
    from sahl.identity.services import appoint_staff
    from sahl.registry.models import Person, Vehicle

    password = make_password(os.environ.get("SAHL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD))
    today = timezone.localdate()
    adults = Person.objects.filter(birth_date__lte=today - dt.timedelta(days=365 * 19))
    has_account = Exists(User.objects.filter(civil_id=OuterRef("civil_id")))
    renewable = Exists(
        Vehicle.objects.filter(owner=OuterRef("pk"), registration_expiry__lte=today + dt.timedelta(days=88))
    )
    chosen = list(
        adults.exclude(has_account)
        .annotate(car=renewable)
        .order_by("-car", "civil_id")[: ACCOUNTS + CASEWORKERS]
    )
    User.objects.bulk_create(
        User(civil_id=p.civil_id, name_ar=p.name_ar, name_en=p.name_en, password=password) for p in chosen
    )
    moi = Agency.objects.get(code="moi")
    staff = [User.objects.get(civil_id=p.civil_id) for p in chosen[ACCOUNTS:]]
    for user in staff:
        appoint_staff(user, moi, "caseworker")
    people = User.objects.filter(civil_id__in=[p.civil_id for p in chosen[:ACCOUNTS]]).order_by("civil_id")
    filed = 0
    for number, user in enumerate(people):
        for copy in range(2 if number < SECOND_APPLICATION else 1):
            answers = {
                "document_type": "passport" if copy == 0 else "civil_id",
                "loss_date": (today - dt.timedelta(days=3 + copy)).isoformat(),
                "loss_place": "السالمية",
            }
            filing.submit(user, REPORT, answers, {}, f"bench-fallback-{user.pk}-{copy}")
            filed += 1
    print(
        f"bench.fallback: {len(chosen) - len(staff)} accounts, {len(staff)} MOI caseworkers, {filed} applications"
    )


if __name__ == "__main__":
    main()
