"""Check and publish the journey definitions (after load_catalogue: steps name its services)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.journeys.definition import JourneyDefinitionError
from sahl.journeys.publishing import DEFINITIONS, load_journeys


class Command(BaseCommand):
    help = "Check every journey definition against the published catalogue and publish what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=DEFINITIONS,
            help="where the YAML files are (default: Sahl's own)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            published = load_journeys(options["directory"])
        except JourneyDefinitionError as refused:
            raise CommandError(str(refused)) from None
        for one in published:
            state = "published" if one.new else "unchanged"
            self.stdout.write(f"{one.code} v{one.number} {state}")
