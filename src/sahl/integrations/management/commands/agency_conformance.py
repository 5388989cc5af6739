"""Check an agency's system against the contract (docs/agency-api.md): PASS or FAIL per item."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.integrations import conformance
from sahl.integrations.conformance_case import NotReady


class Command(BaseCommand):
    help = (
        "Run the conformance checklist against an agency's endpoint with Sahl's real signing key and a "
        "test application of a synthetic person (docs/agency-onboarding.md): a signed delivery answered "
        "in time, untrustworthy deliveries refused, a duplicate answered the same, a report back through "
        "the inbound API. Exit code 1 when any item fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="agency code, e.g. mew")
        parser.add_argument("--endpoint", help="check this URL instead of the connection's endpoint")
        parser.add_argument("--service", help="the agency_api service of the test application")
        parser.add_argument("--report-within", type=float, default=30.0, help="seconds for item d")
        parser.add_argument(
            "--decision-within", type=float, default=10.0, help="then wait this long for a decision"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def on_check(check: conformance.Check) -> None:
            style = {"PASS": self.style.SUCCESS, "FAIL": self.style.ERROR}.get(
                check.outcome, self.style.WARNING
            )
            self.stdout.write(f"{style(check.outcome)}  {check.code:<3} {check.title}: {check.detail}")

        self.stdout.write(f"Conformance of {options['agency']}'s system")
        try:
            report = conformance.run(
                options["agency"],
                endpoint=options["endpoint"],
                service=options["service"],
                report_within=options["report_within"],
                decision_within=options["decision_within"],
                on_check=on_check,
                on_note=lambda note: self.stdout.write(f"      {note}"),
            )
        except NotReady as why:
            raise CommandError(str(why)) from None
        failed = [c for c in report.checks if c.outcome == "FAIL"]
        passed = sum(c.outcome == "PASS" for c in report.checks)
        self.stdout.write(
            f"{report.endpoint}: {passed} passed, {len(failed)} failed"
            + (f" ({', '.join(c.code for c in failed)})" if failed else "")
        )
        if failed:
            raise SystemExit(1)
