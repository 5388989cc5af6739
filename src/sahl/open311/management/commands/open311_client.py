"""Issue an Open311 client application's API key (printed once), rotate it, or revoke it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.open311 import clients


class Command(BaseCommand):
    help = (
        "Open311 client applications: --name NAME issues a key (shown once, only its SHA-256 is kept); "
        "--rotate gives the client a new key (the old one stops working); --deactivate revokes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="lower-case letters, digits and hyphens")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="issue a new key to an existing client")
        action.add_argument("--deactivate", action="store_true", help="refuse the client's key from now on")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            if options["deactivate"]:
                clients.deactivate_client(name)
                self.stdout.write(f"open311 client {name}: its key is refused from now on")
                return
            issued = clients.rotate_key(name) if options["rotate"] else clients.issue_client(name)
        except ValueError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"open311 client {issued.name}: api_key (shown once, keep it secret)")
        self.stdout.write(issued.key)
