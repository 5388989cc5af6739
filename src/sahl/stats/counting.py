"""Keeping the counters as things happen: each listener adds one to its row (creating it if
needed) with one `INSERT ... ON CONFLICT DO UPDATE`, in the transaction of the change, so the
counters commit or roll back with it. The key of each row is made by the same functions that
`rebuilding` uses, so kept and rebuilt rows cannot differ in how they count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import State
from sahl.complaints.models import Event as ComplaintStep
from sahl.journeys.models import Journey
from sahl.stats import rules
from sahl.stats.models import SLOTS, Counter, Kind, Level


@dataclass(frozen=True)
class Key:
    kind: str
    month: dt.date
    agency: str = ""
    subject: str = ""
    days: int = -1
    level: int = Level.NONE


def add(key: Key, count: int = 1, amount_fils: int = 0, *, spread: int = 0) -> None:
    """One statement: the row's count (and amount) grow by these, the row written if new. `spread`
    (the id of what is counted) picks the key's row: consecutive ids, as changes made at the same
    moment have, fall in different rows and do not wait on each other's lock."""
    add_all([(key, count, amount_fils, spread)])


def add_all(additions: list[tuple[Key, int, int, int]]) -> None:
    """`add` for several (key, count, amount, spread) in one statement. Additions to the same row
    are summed first: one statement may not update a row twice."""
    rows: dict[tuple[Any, ...], list[int]] = {}
    for key, count, amount_fils, spread in additions:
        row = (key.kind, key.month, key.agency, key.subject, key.days, int(key.level), spread % SLOTS)
        found = rows.setdefault(row, [0, 0])
        found[0], found[1] = found[0] + count, found[1] + amount_fils
    if not rows:
        return
    table = connection.ops.quote_name(Counter._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, month, agency, subject, days, level, slot, count, amount_fils) "  # noqa: S608
            f"VALUES {values} "
            "ON CONFLICT (kind, month, agency, subject, days, level, slot) DO UPDATE SET "
            f"count = {table}.count + excluded.count, amount_fils = {table}.amount_fils + excluded.amount_fils",
            [value for row, (count, amount) in rows.items() for value in (*row, count, amount)],
        )  # fmt: skip


# --- The keys: how each thing is counted (shared with the rebuild) -------------------------------


def account_key(joined: dt.datetime) -> Key:
    return Key(Kind.ACCOUNTS, rules.month_of(joined))


def completed_key(at: dt.datetime, agency: str, service: str) -> Key:
    return Key(Kind.COMPLETED, rules.month_of(at), agency, service)


def decided_key(
    at: dt.datetime, agency: str, submitted_at: dt.datetime | None, due_on: dt.date | None
) -> Key:
    days = rules.days_between(submitted_at, at) if submitted_at else 0
    level = Level.NONE
    if due_on is not None:
        level = Level.WITHIN if timezone.localdate(at) <= due_on else Level.LATE
    return Key(Kind.DECIDED, rules.month_of(at), agency, "", days, level)


def payment_key(at: dt.datetime, agency: str) -> Key:
    return Key(Kind.PAYMENTS, rules.month_of(at), agency)


def journey_started_key(started_at: dt.datetime, code: str) -> Key:
    return Key(Kind.JOURNEYS_STARTED, rules.month_of(started_at), "", code)


def journey_completed_key(finished_at: dt.datetime, code: str, happened_on: dt.date) -> Key:
    days = rules.days_between(happened_on, finished_at)
    return Key(Kind.JOURNEYS_COMPLETED, rules.month_of(finished_at), "", code, days)


def complaint_key(kind: str, at: dt.datetime) -> Key:
    return Key(kind, rules.month_of(at))


# --- What the listeners call -----------------------------------------------------------------


def application_steps(steps: list[tuple[int, str]]) -> None:
    """Applications were decided or completed (history line, state reached): each counted under
    its agency (and service), in one read and one statement however many (an automatic service is
    decided and completed in one request)."""
    lines: dict[int, tuple[Any, ...]] = {
        pk: tuple(rest)
        for pk, *rest in HistoryEvent.objects.filter(pk__in=[pk for pk, _ in steps]).values_list(
            "pk",
            "at",
            "application__agency__code",
            "application__service__code",
            "application__submitted_at",
            "application__due_on",
        )
    }
    additions = []
    for history_id, to_state in steps:
        at, agency, service, submitted_at, due_on = lines[history_id]
        if to_state == State.COMPLETED:
            additions.append((completed_key(at, agency, service), 1, 0, history_id))
        elif to_state in (State.APPROVED, State.REJECTED):
            additions.append((decided_key(at, agency, submitted_at, due_on), 1, 0, history_id))
    add_all(additions)


def payment_captured(application_id: int, amount_fils: int, at: dt.datetime) -> None:
    agency = Application.objects.filter(pk=application_id).values_list("agency__code", flat=True)[0]
    add(payment_key(at, agency), 1, amount_fils, spread=application_id)


def journey_started(journey_id: int) -> None:
    started_at, code = Journey.objects.filter(pk=journey_id).values_list("started_at", "code")[0]
    add(journey_started_key(started_at, code), spread=journey_id)


def journey_completed(journey_id: int) -> None:
    finished_at, code, happened_on = Journey.objects.filter(pk=journey_id).values_list(
        "finished_at", "code", "happened_on"
    )[0]
    if finished_at is not None:
        add(journey_completed_key(finished_at, code, happened_on), spread=journey_id)


def complaint_step(step_id: int, kind: str) -> None:
    """A report was filed or resolved (a report reopened and resolved again counts twice)."""
    counted = {"filed": Kind.COMPLAINTS_FILED, "resolved": Kind.COMPLAINTS_RESOLVED}.get(kind)
    if counted is not None:
        at = ComplaintStep.objects.filter(pk=step_id).values_list("at", flat=True)[0]
        add(complaint_key(counted, at), spread=step_id)
