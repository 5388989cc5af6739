from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sahl.notifications.services import sweep_stale_claims


class Command(BaseCommand):
    help = (
        "Mark deliveries a worker claimed and never finished (it died mid-send) as uncertain, for an "
        "operator to check; they are never sent again automatically. Run it every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = sweep_stale_claims()
        self.stdout.write(f"uncertain deliveries found: {found}")
