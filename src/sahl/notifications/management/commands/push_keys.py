"""Web Push's VAPID key (ADR 0055): which public key browsers subscribe with, and where it comes from.
With --new, a fresh private key to put in SAHL_VAPID_PRIVATE_KEY (printed once, never stored or
logged); changing the key ends every device's subscription."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sahl.notifications.push_service import public_key


class Command(BaseCommand):
    help = "Show the Web Push (VAPID) public key in use; --new prints a new private key for the deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new", action="store_true", help="print a new private key (base64url)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
            raw = base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()
            self.stdout.write(f"SAHL_VAPID_PRIVATE_KEY={raw}")
            return
        source = (
            "SAHL_VAPID_PRIVATE_KEY" if settings.SAHL_VAPID_PRIVATE_KEY else "derived from the secret key"
        )
        self.stdout.write(f"VAPID public key ({source}): {public_key()}")
