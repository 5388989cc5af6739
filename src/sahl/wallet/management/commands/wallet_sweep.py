"""Forget what issuance and logins no longer need: used or expired nonces, offers and tokens, and
login requests (with the presentations they saw) an hour past their end (run it daily, or --every N
seconds)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sahl.wallet import issuing, logins


class Command(BaseCommand):
    help = "Delete expired OpenID4VCI nonces, offers, access tokens and wallet login requests (credentials are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            count = issuing.sweep() + logins.sweep()
            if count or not options["every"]:
                self.stdout.write(f"{count} expired issuance and login records deleted")
            if not options["every"]:
                return
            time.sleep(options["every"])
