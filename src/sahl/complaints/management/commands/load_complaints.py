"""Load the complaint topics and routing rules from complaints/definitions/ (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sahl.complaints import topics


class Command(BaseCommand):
    help = "Load complaint topics (topics.yaml, plus one per agency) and the routing rules (routing.yaml)."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = topics.load()
        self.stdout.write(f"complaints: {loaded.topics} topics, {loaded.rules} routing rules")
