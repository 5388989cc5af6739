"""Queue what a lost task or a dead worker left behind: outbox deliveries and event handlings."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from sahl.events import services as events
from sahl.outbox import services


class Command(BaseCommand):
    help = "Record attempts cut off by a dead worker, and queue due deliveries and event handlings that have no task waiting (safe on several machines)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0: once)")

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        while True:
            deliveries, handlings = services.sweep(), events.sweep()
            if options["verbosity"] > 0:
                self.stdout.write(f"queued {deliveries} deliveries and {handlings} event handlings")
            if not every:
                return
            time.sleep(every)
