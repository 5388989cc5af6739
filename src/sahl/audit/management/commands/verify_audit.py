from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sahl.audit.services import verify


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain and name the first entry that was changed, or that follows "
        "a removed one. Exit code 1 when the chain is broken."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.broken is not None:
            raise CommandError(f"broken: {result.broken}", returncode=1)
        self.stdout.write(f"ok: {result.checked} entries")
