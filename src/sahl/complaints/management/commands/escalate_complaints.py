"""Escalate overdue reports to their agency's supervisors (run it daily, or --every N seconds)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sahl.complaints import moving


class Command(BaseCommand):
    help = "Mark open reports past their deadline as escalated (once per deadline), with a history event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = moving.escalate_overdue()
            if count or not options["every"]:
                self.stdout.write(f"{count} overdue reports escalated")
            if not options["every"]:
                return
            time.sleep(options["every"])
