"""Connect an agency's own system: its endpoint, a signing key, and client credentials."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.catalogue.models import Agency
from sahl.integrations import services


class Command(BaseCommand):
    help = (
        "Connect an agency's system (idempotent): deliveries of its agency_api services go to ENDPOINT, "
        "signed with a key of its own. --credentials FILE also issues client credentials for the "
        "inbound API and writes them to FILE (mode 600); they are shown nowhere else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="agency code, e.g. mew")
        parser.add_argument("--endpoint", required=True, help="URL deliveries are POSTed to")
        parser.add_argument("--timeout", type=float, default=10.0, help="read timeout of an attempt (s)")
        parser.add_argument("--max-attempts", type=int, default=12)
        parser.add_argument("--credentials", help="issue client credentials into this JSON file")
        parser.add_argument("--disconnect", action="store_true", help="back to the shared back office")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency {options['agency']!r}: load the catalogue first")
        if options["disconnect"]:
            services.disconnect(agency)
            self.stdout.write(f"{agency.code}: disconnected; its applications go to the back office")
            return
        if not options["endpoint"].startswith(("http://", "https://")):
            raise CommandError("--endpoint must be an http(s) URL")
        connection = services.connect(
            agency, options["endpoint"], timeout=options["timeout"], max_attempts=options["max_attempts"]
        )
        keys = ", ".join(k.kid for k in services.public_keys(agency.code))
        self.stdout.write(f"{agency.code}: deliveries go to {connection.endpoint} (signing keys: {keys})")
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
