"""Forget what issuance no longer needs: used or expired nonces, offers and tokens (run it daily,
or --every N seconds)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sahl.wallet import issuing


class Command(BaseCommand):
    help = "Delete expired OpenID4VCI nonces, offers and access tokens (credentials are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = issuing.sweep()
            if count or not options["every"]:
                self.stdout.write(f"{count} expired issuance records deleted")
            if not options["every"]:
                return
            time.sleep(options["every"])
