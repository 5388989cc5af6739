from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.demo.registry import demo_persons, seed_registers
from sahl.identity.services import appoint_staff, enable_sms_factor, enable_totp, open_account
from sahl.registry.adapters import registers
from sahl.wallet import registered

# Demo accounts only exist in databases filled by this command; set SAHL_DEMO_PASSWORD to change it.
DEFAULT_DEMO_PASSWORD = "sahl-demo-2026"  # noqa: S105
ACCOUNTS = (
    "father",
    "mother",
    "expat",
    "fines",
    "owner",
    "caseworker",
    "paci-staff",
    "operator",
    "groom",
    "bride",
    "delegate",
    "moi-admin",
)
OPERATORS = ("operator",)
# The owner has an authenticator app set up: add this demo secret to any TOTP app to log in as her.
TWO_FACTOR = {"owner": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
# The operator gets a one-time code by SMS at login, on this mobile (read it at /dev/sms).
SMS_FACTOR = {"operator": "+96590000115"}
DEMO_POWER = "moj.power-of-attorney"
STAFF = {
    "caseworker": ("moi", "caseworker"),
    "paci-staff": ("paci", "caseworker"),
    "moi-admin": ("moi", "agency_admin"),
}


class Command(BaseCommand):
    help = "Fill the simulated registers with a deterministic demo population and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=3000, help="size of the population (default 3000)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--complaints", type=int, default=300, help="synthetic reports across Kuwait (default 300)"
        )
        parser.add_argument(
            "--no-power-of-attorney",
            dest="power_of_attorney",
            action="store_false",
            help="leave out the demo power of attorney (tests that count a person's messages)",
        )
        parser.add_argument(
            "--no-journeys",
            dest="journeys",
            action="store_false",
            help="leave out the demo journeys (tests that count a person's applications)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0:
            raise CommandError("--people must be 0 or more")
        today = timezone.localdate()
        report = seed_registers(options["people"], today, options["seed"])
        password = os.environ.get("SAHL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        persons = {p.key: p for p in demo_persons(today)}
        lines = []
        for key in ACCOUNTS:
            person = registers().person(report.named[key])
            if person is None:
                raise CommandError(f"the population register has no {key} ({report.named[key]})")
            # Expatriates read Sahl in English until they choose otherwise (pages and messages alike).
            language = "ar" if persons[key].nationality == "KW" else "en"
            user = open_account(person, password, language)
            if key in TWO_FACTOR:
                enable_totp(user, TWO_FACTOR[key])
            if key in SMS_FACTOR:
                enable_sms_factor(user, SMS_FACTOR[key])
            if key in OPERATORS and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            if key in STAFF:
                agency_code, role = STAFF[key]
                agency = Agency.objects.filter(code=agency_code).first()
                if agency is None:
                    raise CommandError("load the catalogue first: manage.py load_catalogue")
                appoint_staff(user, agency, role)
            # Hawiyati holds what the registers certify from the first visit; copied now, so the demo's
            # wallets are never empty even before anyone opens them (rows only: no audit entry).
            registered.keep_in_step(person.civil_id)
            extra = f" (authenticator app, secret {TWO_FACTOR[key]})" if key in TWO_FACTOR else ""
            if key in SMS_FACTOR:
                extra = f" (code by SMS to {SMS_FACTOR[key]}: read it at /dev/sms)"
            lines.append(f"  {person.civil_id}  {person.name.en:<26} {persons[key].story_en}{extra}")
        if report.people:
            self.stdout.write(
                f"registers: {report.people} people, {report.vehicles} vehicles, {report.fines} fines, "
                f"{report.licences} licences, {report.passports} passports, {report.companies} companies"
            )
        else:
            self.stdout.write("registers: already seeded, nothing created")
        if options["power_of_attorney"] and _grant_demo_power(report.named, today):
            self.stdout.write(
                "mandates: the mother gave the father a power of attorney for government services"
            )
        from sahl.demo import business

        if business.grant_delegate(report.named):
            self.stdout.write(
                f"mandates: {persons['owner'].name_en} made {persons['delegate'].name_en} her company's "
                f"representative for labour services ({business.COMPANY}, for a year; accepted)"
            )
        if options["journeys"]:
            from sahl.demo import journeys

            for started in journeys.seed(report.named, today):
                self.stdout.write(f"journeys: started {started}")
        if options["complaints"] > 0:
            from sahl.demo import complaints

            made = complaints.seed(options["complaints"])
            if made:
                self.stdout.write(f"complaints: {made} demo reports across Kuwait's areas")
        self.stdout.write(f"demo logins (password: {password}):")
        self.stdout.write("\n".join(lines))
        card = registers().identity_card(report.named["newcomer"])
        if card is not None and card.card_serial:
            self.stdout.write(
                f"join Sahl at /accounts/join/ as {persons['newcomer'].name_en}: civil ID {card.civil_id}, "
                f"card serial {card.card_serial} (her code by SMS: read it at /dev/sms)"
            )


def _grant_demo_power(named: dict[str, str], today: dt.date) -> bool:
    """The demo mother gives the father a power of attorney for government transactions, through
    the Ministry of Justice's service as people do (filed, accepted, fee settled). Once."""
    from sahl.applications import deciding, filing, responding
    from sahl.identity.models import User
    from sahl.mandates.models import Mandate

    mother, father = (User.objects.get(civil_id=named[key]) for key in ("mother", "father"))
    if Mandate.objects.filter(grantor_civil_id=mother.civil_id, attorney_civil_id=father.civil_id).exists():
        return False
    answers = {
        "attorney_civil_id": father.civil_id,
        "attorney_name": father.name_ar,
        "attorney_mobile": "99001122",
        "scope": "government",
        "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=365)).isoformat(),
    }
    with transaction.atomic():
        filed = filing.submit(mother, DEMO_POWER, answers, {}, "demo-power-of-attorney")
        responding.answer_consent(father, filed.reference, agree=True)
        # The demo has no gateway running while it seeds: the 2.000 KWD fee counts as settled.
        deciding.payment_received(filed)
    return True
