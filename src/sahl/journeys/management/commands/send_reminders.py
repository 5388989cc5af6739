"""Remind people of their documents nearing expiry (run it daily, or --every N seconds: a sweep run
again on the same day sends nothing more)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sahl.journeys.sweep import sweep


class Command(BaseCommand):
    help = (
        "Find the documents (passports, vehicle registrations, residence permits, driving licences, "
        "commercial licences) and the companies' dues (workers' permits and residencies, unpaid "
        "social-insurance statements) due for a reminder today and announce each reminder once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")
        parser.add_argument(
            "--from",
            dest="start",
            type=dt.time.fromisoformat,
            default=dt.time(9, 0),
            help="with --every: sweep only from this local time of day (default 09:00), so that no "
            "SMS wakes anyone at night",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            now = timezone.localtime()
            if not every or now.time() >= options["start"]:
                swept = sweep(now.date())
                if swept.told or swept.no_account or not every:
                    self.stdout.write(
                        f"{now.date()}: {swept.documents} documents and {swept.company_dues} companies' "
                        f"dues in a window, {swept.told} reminders "
                        f"sent, {swept.no_account} kept for people without an account, {swept.passed} "
                        f"thresholds passed, {swept.forgotten} rows of long-expired documents forgotten"
                    )
            if not every:
                return
            time.sleep(every)
