"""The wallet's issuer keys: makes the signing key if there is none (the migration makes the first;
this is run after every `migrate`, so an emptied table is refilled before anyone asks), and lists
what is published."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sahl.wallet import keys


class Command(BaseCommand):
    help = "Make the wallet's signing key if there is none, and list the published keys."

    def handle(self, *args: Any, **options: Any) -> None:
        key, made = keys.ensure()
        self.stdout.write(f"signing key {key.kid}" + (" (made now)" if made else ""))
        for shown in keys.published():
            line = f"  {shown.kid}: signs from {shown.signs_from.isoformat()}"
            if shown.retired_at is not None:
                line += f" until {shown.retired_at.isoformat()}"
            if shown.signed_until is not None:
                line += f"; what it signed expires by {shown.signed_until.isoformat()}"
            self.stdout.write(line)
