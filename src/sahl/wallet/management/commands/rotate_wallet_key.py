"""Make a new key sign Hawiyati's credentials: published at once, signing an hour later (so every
cached key set knows it first); the old keys stay published while their credentials live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.wallet import keys


class Command(BaseCommand):
    help = (
        "Rotate the wallet's signing key. The new key is published now and signs after --ahead "
        "seconds (default one hour; --now for a key that must stop signing at once). Old credentials "
        "keep verifying until they expire."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--ahead",
            type=int,
            default=int(keys.PUBLISH_AHEAD.total_seconds()),
            help="seconds between publishing the new key and its first signature",
        )
        when.add_argument("--now", action="store_true", help="sign with the new key at once")

    def handle(self, *args: Any, **options: Any) -> None:
        ahead = 0 if options["now"] else options["ahead"]
        if ahead < 0:
            raise CommandError("--ahead is a number of seconds, 0 or more")
        stopping, new = keys.rotate(dt.timedelta(seconds=ahead))
        self.stdout.write(f"{new.kid} published now, signs from {new.signs_from.isoformat()}")
        for old in stopping:
            self.stdout.write(
                f"{old.kid} signs until {new.signs_from.isoformat()}, then stays published while "
                "what it signed is unexpired"
            )
