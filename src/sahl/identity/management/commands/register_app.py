"""Register an app for Sahl's OpenID provider (an operator's decision; ADR 0054), or change one:

    manage.py register_app --name-ar "سهل" --name-en "Sahl" --redirect-uri kw.gov.sahl:/callback

Prints the client ID the app is built with (a public client: it has no secret)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.identity import registered_apps


class Command(BaseCommand):
    help = "Register an app (a public client using the authorization code with PKCE), or change one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name-ar", required=True, help="the app's name in Arabic")
        parser.add_argument("--name-en", required=True, help="the app's name in English")
        parser.add_argument(
            "--redirect-uri", action="append", required=True, help="a return address (repeat for more)"
        )
        parser.add_argument("--client-id", default="", help="change this app, or register it with this ID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app = registered_apps.register(
                options["name_ar"], options["name_en"], options["redirect_uri"], options["client_id"]
            )
        except SahlError as error:
            raise CommandError(message(error.code, "en", **error.params)) from error
        self.stdout.write(app.client_id)
