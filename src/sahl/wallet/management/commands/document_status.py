"""Suspend, reinstate or revoke an issued document and its credentials, by verification code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.wallet import revoking


class Command(BaseCommand):
    help = "Suspend, reinstate or revoke a document (e.g. a licence withdrawn by a court); verifiers see it at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the document's verification code, e.g. 1A2B-3C4D-5E6F")
        parser.add_argument("action", choices=["suspend", "reinstate", "revoke"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = revoking.change_status(options["code"], options["action"])
        except SahlError as e:
            raise CommandError(message(e.code, "en", **e.params)) from e
        self.stdout.write(f"{document.verification_code}: {options['action']} done")
