"""Make a new key sign Hawiyati's credentials; the old one stays published while its credentials live."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sahl.wallet import keys


class Command(BaseCommand):
    help = "Rotate the wallet's signing key (old credentials keep verifying until they expire)."

    def handle(self, *args: Any, **options: Any) -> None:
        old, new = keys.rotate()
        before = f"{old.kid} retired, published until {old.signed_until or 'now'}" if old else "no key before"
        self.stdout.write(f"signing with {new.kid}; {before}")
