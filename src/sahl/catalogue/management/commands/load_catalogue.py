from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.catalogue.definition import DefinitionError
from sahl.catalogue.files import DEFINITIONS
from sahl.catalogue.services import load_catalogue


class Command(BaseCommand):
    help = "Validate every service definition and publish new or changed ones (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DEFINITIONS, help="folder of the definitions")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_catalogue(options["path"])
        except DefinitionError as exc:
            raise CommandError(f"nothing was loaded: {exc}") from None
        self.stdout.write(
            f"catalogue: {report.published} published, {report.unchanged} unchanged, "
            f"{report.withdrawn} withdrawn"
        )
