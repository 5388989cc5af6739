"""Forget stored answers to Idempotency-Keys older than a day (run it hourly, or --every N
seconds); their keys may then be used again."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.idempotency import services


class Command(BaseCommand):
    help = "Delete stored answers to Idempotency-Keys older than --hours (24 by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=services.KEEP_FOR.total_seconds() / 3600,
            help="keep answers this long",
        )
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["hours"] > 0:
            raise CommandError("--hours must be more than 0")
        keep = dt.timedelta(hours=options["hours"])
        while True:
            count = services.sweep(keep=keep)
            if count or not options["every"]:
                self.stdout.write(f"{count} idempotency keys older than {options['hours']:g} h deleted")
            if not options["every"]:
                return
            time.sleep(options["every"])
