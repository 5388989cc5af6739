"""Record a birth as a hospital's notification through the Ministry of Health would (the same use
case as POST /api/v1/agency/registers/births): the newborn journey starts for both parents."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sahl.core.bilingual import BilingualText
from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.registry import services as register
from sahl.registry.adapters import NewBirth


class Command(BaseCommand):
    help = "Record a birth in the population register (as MOH's system would); the newborn journey starts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mother", required=True, help="the mother's civil ID")
        parser.add_argument("--father", default="", help="the father's civil ID (empty: none named)")
        parser.add_argument("--name-ar", default="مولود جديد")
        parser.add_argument("--name-en", default="Newborn")
        parser.add_argument("--sex", choices=("M", "F"), default="F")
        parser.add_argument("--born", default="", help="date of birth, YYYY-MM-DD (default today)")
        parser.add_argument("--hospital", default="maternity")
        parser.add_argument("--notification", default="", help="the hospital's notification number")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            born = dt.date.fromisoformat(options["born"]) if options["born"] else today
        except ValueError:
            raise CommandError("--born takes a date, YYYY-MM-DD") from None
        birth = NewBirth(
            notification_number=options["notification"] or f"B-{today:%Y}-{secrets.token_hex(3).upper()}",
            hospital=options["hospital"],
            mother_civil_id=options["mother"],
            father_civil_id=options["father"],
            name=BilingualText(options["name_ar"], options["name_en"]),
            sex=options["sex"],
            birth_date=born,
        )
        try:
            recorded = register.record_birth(birth, today)
        except SahlError as refused:
            raise CommandError(message(refused.code, "en", **refused.params)) from None
        self.stdout.write(
            f"{recorded.record}: child {recorded.child.civil_id} ({recorded.nationality}); the newborn journey "
            "starts when the task worker runs (make run has one)"
        )
