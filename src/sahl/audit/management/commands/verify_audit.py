from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sahl.audit.services import verify


class Command(BaseCommand):
    help = (
        "Walk the audit log's MAC chain with the audit keys and hold it against the signed checkpoints "
        "outside the database. Names the first entry that was changed, inserted, or follows a removed "
        "one, and every checkpoint whose signature fails, by id, sequence and line only. Exit code 1 "
        "when anything does not hold."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            found = ([f"broken: {result.broken}"] if result.broken else []) + result.problems
            raise CommandError("\n".join(found), returncode=1)
        self.stdout.write(f"ok: {result.checked} entries, {result.checkpoints} checkpoints")
