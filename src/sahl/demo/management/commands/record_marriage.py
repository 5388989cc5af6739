"""Record a marriage contract as the Ministry of Justice's system would (the same use case as POST
/api/v1/agency/registers/marriages): the married journey starts for both spouses."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.registry import services as register


class Command(BaseCommand):
    help = "Record a marriage contract in the registers (as MOJ's system would); the married journey starts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--husband", required=True, help="the husband's civil ID")
        parser.add_argument("--wife", required=True, help="the wife's civil ID")
        parser.add_argument("--on", default="", help="date of the contract, YYYY-MM-DD (default today)")
        parser.add_argument("--contract", default="", help="the contract's number")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else today
        except ValueError:
            raise CommandError("--on takes a date, YYYY-MM-DD") from None
        contract = options["contract"] or f"MC-{today:%Y}-{secrets.token_hex(3).upper()}"
        try:
            recorded = register.record_marriage(contract, options["husband"], options["wife"], on, today)
        except SahlError as refused:
            raise CommandError(message(refused.code, "en", **refused.params)) from None
        self.stdout.write(
            f"{recorded.record}: contract {recorded.contract_number}; the married journey starts when the task "
            "worker runs (make run has one)"
        )
