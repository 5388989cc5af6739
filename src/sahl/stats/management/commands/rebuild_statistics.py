"""Make the statistics' counters again from the truth (ADR 0060)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sahl.core.cached import forget
from sahl.stats import figures, rebuilding


class Command(BaseCommand):
    help = "Recreate the public statistics' counters from accounts, applications, payments, journeys and reports."

    def handle(self, *args: Any, **options: Any) -> None:
        written = rebuilding.rebuild()
        forget(figures.CACHE_KEY)
        self.stdout.write(f"statistics: {written} counters written")
