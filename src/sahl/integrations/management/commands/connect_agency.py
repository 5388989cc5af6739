"""Connect an agency's own system: its endpoint, a signing key, client credentials, and whether it
takes over the agency's back-office services."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.catalogue.models import Agency
from sahl.core.errors import NotFound
from sahl.integrations import services
from sahl.integrations.models import Connection


class Command(BaseCommand):
    help = (
        "Connect an agency's system (idempotent): deliveries of its agency_api services go to ENDPOINT, "
        "signed with a key of its own; open applications that waited while no system was connected are "
        "delivered to it then. --credentials FILE also issues client credentials for the inbound API and "
        "writes them to FILE (mode 600); they are shown nowhere else. --take-over-backoffice lets the "
        "system work the agency's backoffice services too (--no-take-over-backoffice: only agency_api "
        "ones, the default); without --endpoint it changes only that. Every run prints the setting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="agency code, e.g. mew")
        parser.add_argument("--endpoint", help="URL deliveries are POSTed to (required to connect)")
        parser.add_argument("--timeout", type=float, default=10.0, help="read timeout of an attempt (s)")
        parser.add_argument("--max-attempts", type=int, default=12)
        parser.add_argument("--credentials", help="issue client credentials into this JSON file")
        parser.add_argument("--disconnect", action="store_true", help="back to the shared back office")
        parser.add_argument(
            "--take-over-backoffice",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="the system also lists, reads, decides and receives the agency's backoffice services' "
            "applications (default: kept as it was; off for a new connection)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency {options['agency']!r}: load the catalogue first")
        if options["disconnect"]:
            services.disconnect(agency)
            self.stdout.write(f"{agency.code}: disconnected; its applications go to the back office")
            return
        take_over = options["take_over_backoffice"]
        if not options["endpoint"]:
            if take_over is None:
                raise CommandError("--endpoint is required to connect (or give --[no-]take-over-backoffice)")
            try:
                self._lane(services.set_take_over(agency, take_over))
            except NotFound:
                raise CommandError(f"{agency.code} has no system: connect it with --endpoint first") from None
            return
        if not options["endpoint"].startswith(("http://", "https://")):
            raise CommandError("--endpoint must be an http(s) URL")
        connection = services.connect(
            agency,
            options["endpoint"],
            timeout=options["timeout"],
            max_attempts=options["max_attempts"],
            take_over_backoffice=take_over,
        )
        keys = ", ".join(k.kid for k in services.public_keys(agency.code))
        self.stdout.write(f"{agency.code}: deliveries go to {connection.endpoint} (signing keys: {keys})")
        self._lane(connection)
        if options["credentials"]:
            path = Path(options["credentials"])
            if path.exists():
                self.stdout.write(f"{agency.code}: credentials kept in {path} (delete it to issue new ones)")
                return
            credential = services.new_credential(agency)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump({"client_id": credential.client_id, "client_secret": credential.client_secret}, out)
            self.stdout.write(f"{agency.code}: client credentials {credential.client_id} written to {path}")

    def _lane(self, connection: Connection) -> None:
        """The agency's take-over setting, and what waits to be delivered."""
        code = connection.agency.code
        if connection.takes_over_backoffice:
            works = "agency_api and backoffice services (the agency took its back office over)"
        else:
            works = "agency_api services only (backoffice ones stay with the caseworkers)"
        self.stdout.write(f"{code}: its system works {works}")
        self.stdout.write(
            f"{code}: {services.waiting_deliveries(connection.agency)} delivery(ies) waiting to be sent"
        )
