"""Sign the audit chain's head into the checkpoint file (run it every few minutes, or --every N
seconds; docs/adr/0024-audit-mac-and-checkpoints.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahl.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of the audit log's head to SAHL_AUDIT_CHECKPOINTS, unless that head "
        "is already checkpointed. Exit code 1 when refused (the newest entry does not verify, or the "
        "log is behind its last checkpoint)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            published = checkpoints.publish()
            if published.outcome == "refused" and not options["every"]:
                raise CommandError(f"refused: {published.reason}", returncode=1)
            if published.outcome == "written" and published.checkpoint is not None:
                self.stdout.write(f"written: sequence {published.checkpoint.sequence}")
            elif not options["every"]:
                self.stdout.write(published.outcome)
            if not options["every"]:
                return
            time.sleep(options["every"])
