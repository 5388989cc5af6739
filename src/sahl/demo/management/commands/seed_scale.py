from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from sahl.demo.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from sahl.demo.scale import labour
from sahl.demo.scale.load import Loader, Options, Refused, Report
from sahl.demo.scale.meter import clock
from sahl.events import read_models


class Command(BaseCommand):
    help = (
        "Fill PostgreSQL with a synthetic country at scale (people, families, registers, accounts, staff, "
        "applications with their history, the last year's births and marriages with their journeys) by COPY, "
        "in batches; run again with the same numbers to resume."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=100_000, help="people to add (default 100,000)")
        parser.add_argument(
            "--applications", type=int, default=None, help="applications to add (default 4 per person)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--people-batch", type=int, default=20_000, help="people per transaction")
        parser.add_argument(
            "--applications-batch", type=int, default=50_000, help="applications per transaction"
        )
        parser.add_argument("--journeys-batch", type=int, default=5_000, help="journeys per transaction")
        parser.add_argument(
            "--stop-after", type=int, default=None, metavar="BATCHES", help="stop after that many batches"
        )
        parser.add_argument(
            "--as-of",
            type=dt.datetime.fromisoformat,
            default=None,
            help="the moment the country is made for, e.g. 2026-12-01T12:00+03:00 (default: now)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processes making applications (default: the CPUs, at most 4; 1: none)",
        )
        parser.add_argument(
            "--big-company",
            type=int,
            default=labour.BIG_WORKERS,
            metavar="WORKERS",
            help=f"after the load, one company ({labour.BIG_COMPANY}) with that many workers, new people "
            f"(default {labour.BIG_WORKERS:,}; 0: none)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        people = options["people"]
        applications = 4 * people if options["applications"] is None else options["applications"]
        if min(options["people_batch"], options["applications_batch"], options["journeys_batch"]) < 1:
            raise CommandError("batch sizes must be 1 or more")
        password = os.environ.get("SAHL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        loader = Loader(
            connections[options["database"]],
            Options(
                people=people,
                applications=applications,
                seed=options["seed"],
                people_batch=options["people_batch"],
                applications_batch=options["applications_batch"],
                journeys_batch=options["journeys_batch"],
                stop_after=options["stop_after"],
                password=password,
                as_of=_epoch(options["as_of"]),
                workers=options["workers"],
            ),
            say=self.stdout.write,
            progress=lambda text: self.stderr.write(text, ending=""),
            terminal=self.stderr.isatty(),
        )
        try:
            report = loader.run()
        except Refused as refused:
            raise CommandError(str(refused)) from None
        self._report(report, password)
        if not report.stopped and options["big_company"] > 0:
            moment = options["as_of"] or timezone.now()
            today = timezone.localdate(timezone.make_aware(moment) if timezone.is_naive(moment) else moment)
            started = time.monotonic()
            made = labour.seed_big_company(today, options["big_company"], using=options["database"])
            if made:
                self.stdout.write(
                    f"big company: {labour.BIG_COMPANY} with {made:,} workers in {time.monotonic() - started:.1f} s"
                )
            else:
                self.stdout.write(f"big company: {labour.BIG_COMPANY} is there already")
        if not report.stopped and not report.already and options["database"] == DEFAULT_DB_ALIAS:
            # The loader writes rows, not events: the read models (ADR 0042) are made from them.
            for name, count in read_models.rebuild().items():
                self.stdout.write(f"read model {name}: {count:,} rows")
            connection = connections[options["database"]]
            if connection.vendor == "postgresql":
                # Written after the loader's ANALYZE: without statistics the planner took the queue's
                # 672 rows of an agency for 6 and sorted them all instead of reading its index.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

    def _report(self, report: Report, password: str) -> None:
        write = self.stdout.write
        if report.already:
            write("seed_scale: already loaded with these numbers, nothing added")
        elif report.stopped:
            write("seed_scale: stopped as asked (--stop-after); run the same command again to continue")
        else:
            write(f"seed_scale: loaded in {clock(report.seconds)}")
        for table, count in report.rows.items():
            write(f"  {table:<28} {count:>13,}")
        if report.journeys:
            write("journeys (the births and marriages of the last 12 months):")
            for line in report.journeys:
                write(line)
        write(f"  database size {report.database_bytes / 2**30:.2f} GiB")
        if not report.accounts:
            return
        low, high = report.user_ids
        shared = password if report.password_matches else "(the one this load was started with)"
        write(
            f"logins: {report.accounts:,} accounts (identity_user ids from {low:,} to {high:,}) share one password "
            f"hash, password {shared}; e.g. {', '.join(report.examples)}"
        )
        if report.staff:
            write(f"staff: {'; '.join(report.staff)} (all in identity_staffmembership)")


def _epoch(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return int((timezone.make_aware(moment) if timezone.is_naive(moment) else moment).timestamp())
