"""Enqueue deliveries that are due: retries after an outage, attempts whose worker was killed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sahl.integrations import services


class Command(BaseCommand):
    help = "Enqueue every due agency delivery once (--every N: keep doing it every N seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = services.sweep()
            if options["verbosity"] > 1 or (count and not options["every"]):
                self.stdout.write(f"{count} deliveries enqueued")
            if not options["every"]:
                return
            time.sleep(options["every"])
