"""Appoint or remove agency staff from a deployment script, through the same use case as the pages
(identity.staff; docs/agencies-staff.md):

    manage.py appoint_staff appoint 281091400168 moi agency_admin
    manage.py appoint_staff remove 281091400168 moi

The person must be in the population register and have an account. The change is audited (with no
actor: a deployment) and told to the person. Errors are printed in English; the exit status is 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.identity import staff
from sahl.identity.models import StaffMembership


class Command(BaseCommand):
    help = "Appoint a person (by civil ID) to an agency's staff in a role, or remove them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["appoint", "remove"])
        parser.add_argument("civil_id", help="the person's 12-digit civil ID")
        parser.add_argument("agency", help="the agency's code, e.g. moi")
        parser.add_argument(
            "role",
            nargs="?",
            default="",
            help=f"to appoint: one of {', '.join(StaffMembership.Role.values)}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        civil_id, agency = options["civil_id"], options["agency"]
        try:
            if options["action"] == "appoint":
                if not options["role"]:
                    raise CommandError(f"give the role: one of {', '.join(StaffMembership.Role.values)}")
                done = staff.appoint(None, civil_id, options["role"], agency)
                self.stdout.write(f"appointed: {done.role} at {done.agency.code} (membership {done.pk})")
            else:
                found = staff.membership_by_civil_id(civil_id, agency)
                staff.remove(None, found.pk)
                self.stdout.write(f"removed: {found.role} at {agency}")
        except SahlError as error:
            raise CommandError(message(error.code, "en", **error.params)) from error
