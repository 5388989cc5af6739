from typing import Any

from django.core.management.base import BaseCommand

from sahl.payments.services import expire_stale, inquire_stale


class Command(BaseCommand):
    help = (
        "Ask the gateway about payment attempts pending for a few minutes, then expire those that had "
        "no result in time (run every few minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"settled by inquiry: {inquire_stale()}")
        self.stdout.write(f"expired: {expire_stale()}")
