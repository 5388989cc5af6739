from typing import Any

from django.core.management.base import BaseCommand

from sahl.payments.services import expire_stale


class Command(BaseCommand):
    help = "Expire payment intents that had no result in time (run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired: {expire_stale()}")
