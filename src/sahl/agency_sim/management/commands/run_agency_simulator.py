"""Run a simulated agency system (a separate program reached over HTTP, like the payment gateway
simulator): `manage.py run_agency_simulator --agency mew --port 8801 --sahl http://localhost:8000
--credentials var/agency-mew.json`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sahl.agency_sim.config import add_arguments, from_options
from sahl.agency_sim.server import run


class Command(BaseCommand):
    help = (
        "Serve a simulated agency system on 127.0.0.1: it verifies Sahl's signed deliveries, answers "
        "as --behaviour says (changeable at POST /_sim/behaviour), counts event ids (GET /_sim/stats) "
        "and reports progress and a decision back through Sahl's inbound API after --decide-after s. "
        "It never touches Sahl's database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(from_options(options))
