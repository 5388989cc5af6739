"""Recreate read models from the truth: after a restore, a fix to how they are made, or to check them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sahl.events import read_models


class Command(BaseCommand):
    help = "Rebuild the read models (all, or those named) from the tables they are derived from."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("names", nargs="*", help="read models to rebuild (default: all)")
        parser.add_argument("--list", action="store_true", help="name the read models and stop")

    def handle(self, *args: Any, names: list[str], **options: Any) -> None:
        if options["list"]:
            for model in read_models.kept():
                self.stdout.write(model.name)
            return
        try:
            written = read_models.rebuild(names or None)
        except KeyError as unknown:
            raise CommandError(str(unknown.args[0])) from unknown
        for name, count in written.items():
            self.stdout.write(f"{name}: {count} rows")
