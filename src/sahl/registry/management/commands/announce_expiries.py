"""Announce the register documents that expire 60, 30 and 7 days from today (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sahl.registry.services import WARNINGS, announce_expiring


class Command(BaseCommand):
    help = "Announce register documents nearing their expiry (register.document_expiring), once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", default=",".join(map(str, WARNINGS)), help="days before expiry, comma-separated"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            warnings = tuple(int(d) for d in options["days"].split(",") if d.strip())
        except ValueError:
            self.stderr.write("--days takes whole numbers separated by commas, e.g. 60,30,7")
            raise SystemExit(2) from None
        count = announce_expiring(timezone.localdate(), warnings)
        self.stdout.write(f"{count} documents announced as nearing their expiry")
