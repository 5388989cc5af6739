"""Rotate an agency's keys and credentials without downtime."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.catalogue.models import Agency
from sahl.integrations import services


class Command(BaseCommand):
    help = (
        "--new issues another client credential (the old one keeps working until --revoke); "
        "--rotate-key adds a signing key that signs from now on; --retire-keys-but KID retires the others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument("--new", action="store_true", help="issue a new client credential")
        parser.add_argument("--revoke", metavar="CLIENT_ID", help="end a client credential at once")
        parser.add_argument("--rotate-key", action="store_true")
        parser.add_argument("--retire-keys-but", metavar="KID")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency {options['agency']!r}")
        if options["new"]:
            credential = services.new_credential(agency)
            self.stdout.write(f"client_id={credential.client_id}\nclient_secret={credential.client_secret}")
        if options["revoke"]:
            services.revoke_credential(options["revoke"])
            self.stdout.write(f"{options['revoke']}: revoked")
        if options["rotate_key"]:
            self.stdout.write(f"new signing key {services.rotate_key(agency).kid}")
        if options["retire_keys_but"]:
            count = services.retire_keys(agency, options["retire_keys_but"])
            self.stdout.write(f"{count} signing key(s) retired")
