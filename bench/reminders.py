"""Time the reminders' daily sweep on a seeded database (a measurement, not a test): the registers'
reads alone per kind of document, the day's first sweep, then the same day again (nothing left to
send), and what the first one wrote.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahl_rem .venv/bin/python -m bench.reminders \\
        [--today 2026-12-06]

It writes reminders and events as the daily command would (events cannot be deleted: run it on a
copy, e.g. `createdb -T sahl_rem sahl_rem_try`, to measure a first sweep again)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahl.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from sahl.events.models import Event, Handling  # noqa: E402
from sahl.journeys.models import Reminder  # noqa: E402
from sahl.journeys.sweep import sweep  # noqa: E402
from sahl.journeys.thresholds import REMINDERS, window  # noqa: E402
from sahl.registry.adapters import registers  # noqa: E402
from sahl.registry.models import Person  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=timezone.localdate())
    options = parser.parse_args()
    today = options.today
    print(f"{connection.vendor}, {Person.objects.count():,} people, today {today}")

    for kind in REMINDERS:
        started = time.perf_counter()
        last = today + dt.timedelta(days=window(kind))
        count = sum(1 for _ in registers().expiring(today, last, kinds=[kind]))
        print(
            f"  read {kind:<22} {count:>9,} in its {window(kind)}-day window  {time.perf_counter() - started:6.1f} s"
        )

    events_before = Event.objects.filter(type="reminder.due").count()
    for run in ("first sweep", "same day again"):
        started = time.perf_counter()
        swept = sweep(today)
        took = time.perf_counter() - started
        print(
            f"{run}: {took:.1f} s; {swept.documents:,} documents, {swept.told:,} told, "
            f"{swept.no_account:,} kept without an account, {swept.passed:,} passed"
        )

    rows = Reminder.objects.values_list("outcome").annotate(n=Count("id")).order_by("outcome")
    print("reminder rows:", ", ".join(f"{outcome} {n:,}" for outcome, n in rows))
    events = Event.objects.filter(type="reminder.due").count() - events_before
    handlings = Handling.objects.filter(event__type="reminder.due").count()
    print(f"events announced: {events:,}; handlings waiting for the worker: {handlings:,}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
