"""The daily sweep of documents nearing their expiry (issue 19): who is reminded of what, once.

For each kind of document in the table (`thresholds.REMINDERS`), the registers stream the documents
inside its farthest window with their holders (one read per kind). In batches, each in its own
transaction: the holder, and the parents of a holder who is a child, are due at the nearest
threshold reached; rows already written for that document, expiry, threshold and person are left
alone, the others are inserted at once (INSERT ... ON CONFLICT DO NOTHING RETURNING, so that two
sweeps at the same moment still write, and announce, each reminder once), with the farther
thresholds marked passed; each new reminder to a person with an account is announced
(`ReminderDue`, three statements a batch), and notifications writes and sends the message.

Running it again on the same day writes and announces nothing. A renewed document has a new expiry
outside the windows: its old rows stay (a year past the old expiry), and nothing more is said about
the old expiry.

Companies (issue 20, `thresholds.COMPANY_REMINDERS`): the registers count, in one read per kind, what
each company has coming per day (its licence, its current workers' work permits and residencies,
its unpaid social-insurance statements); the sweep groups a company's days (by week for the
workers), and each group due at a threshold is one row per person told, in the same table, with the
company's number as holder: its owners and signatories, and the representatives in force whose
scope covers it. The message counts; it never names a worker."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import timezone

from sahl.events.services import announce_all
from sahl.events.types import DomainEvent, ReminderDue
from sahl.identity.models import User
from sahl.journeys.models import Reminder
from sahl.journeys.thresholds import COMPANY_REMINDERS, REMINDERS, due, is_minor, week_end, window
from sahl.mandates.delegates import scopes_in_force
from sahl.mandates.rules import delegate_may
from sahl.registry.adapters import HeldDocument, registers
from sahl.registry.companies import CompanyDue

log = logging.getLogger("sahl.journeys")
Outcome = Reminder.Outcome
BATCH = 2000  # documents per transaction
T = TypeVar("T")


@dataclass
class Swept:
    """What one sweep did, in numbers (never who)."""

    documents: int = 0  # documents read inside a window
    company_dues: int = 0  # a company's dues of one kind and day read inside a window
    told: int = 0  # new reminders announced to people with an account
    no_account: int = 0  # new reminders kept for people without one
    passed: int = 0  # farther thresholds recorded as passed
    forgotten: int = 0  # rows of documents that expired more than KEEP_AFTER_EXPIRY ago


@dataclass(frozen=True)
class _Row:
    record: str
    document: str
    expires_on: dt.date
    days_before: int
    civil_id: str
    holder_civil_id: str
    renew: str
    outcome: str
    passed: tuple[int, ...] = ()  # of a due row: the farther thresholds, written as passed with it

    @property
    def key(self) -> tuple[str, dt.date, int, str]:
        return (self.record, self.expires_on, self.days_before, self.civil_id)


# PostgreSQL plans the read of the rows already written from the table's statistics. A first sweep
# grows the table by a million rows in minutes, faster than autovacuum refreshes them (or never,
# where it is off), and that read would then scan the whole table for every batch: after this many
# new rows the sweep has them refreshed (ANALYZE reads a sample: a fraction of a second).
ANALYZE_AFTER = 100_000
# A document is never read again once expired, so its rows no longer keep anyone from a second
# reminder; they stay a year for the person's list of reminders sent, then go (a whole country
# writes some 8 million a year).
KEEP_AFTER_EXPIRY = dt.timedelta(days=365)


def sweep(today: dt.date, batch: int = BATCH) -> Swept:
    """Remind everyone due today. Safe to run again, and on several machines at once."""
    swept = Swept()
    unanalysed = 0
    for kind in REMINDERS:
        if kind in COMPANY_REMINDERS:  # a company's licence: told to the company's people, below
            continue
        documents = registers().expiring(today, today + dt.timedelta(days=window(kind)), kinds=[kind])
        for chunk in _batches(documents, batch):
            swept.documents += len(chunk)
            with transaction.atomic():
                unanalysed += _remind(chunk, today, swept)
            unanalysed = _analysed(unanalysed)
    for kind, reminding in COMPANY_REMINDERS.items():
        last = today + dt.timedelta(days=max(reminding.days))
        for dues in _by_company(registers().company_dues(today, last, reminding.reads), batch):
            swept.company_dues += len(dues)
            with transaction.atomic():
                unanalysed += _remind_companies(kind, dues, today, swept)
            unanalysed = _analysed(unanalysed)
    swept.forgotten = _forget(today - KEEP_AFTER_EXPIRY, batch)
    log.info(
        "reminders swept",
        extra={"documents": swept.documents, "told": swept.told, "no_account": swept.no_account},
    )
    return swept


def _analysed(unanalysed: int) -> int:
    """How many rows are written since the table's statistics were refreshed (refreshed now if many)."""
    if unanalysed < ANALYZE_AFTER or connection.vendor != "postgresql":
        return unanalysed
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "journeys_reminder"')
    return 0


def _forget(expired_before: dt.date, batch: int) -> int:
    forgotten = 0
    while ids := list(
        Reminder.objects.filter(expires_on__lt=expired_before).values_list("pk", flat=True)[:batch]
    ):
        forgotten += Reminder.objects.filter(pk__in=ids).delete()[0]
    return forgotten


def _remind(documents: list[HeldDocument], today: dt.date, swept: Swept) -> int:
    """Write and announce what these documents are due for; how many rows were written."""
    children = [d.holder_civil_id for d in documents if is_minor(d.holder_birth_date, today)]
    parents = registers().parents(children) if children else {}
    due_rows = [row for d in documents for row in _due_rows(d, today, parents.get(d.holder_civil_id, ()))]
    return _write(due_rows, swept, {})


def _write(due_rows: list[_Row], swept: Swept, counted: dict[tuple[str, dt.date], _Counted]) -> int:
    """Insert the rows not written yet and announce those told; how many rows were written.
    `counted`: a company's counts by record and day, for its messages."""
    if not due_rows:
        return 0
    written = set(
        Reminder.objects.filter(record__in={r.record for r in due_rows}).values_list(
            "record", "expires_on", "days_before", "civil_id"
        )
    )
    new = [r for r in due_rows if r.key not in written]
    if not new:
        return 0
    accounts = dict(User.objects.filter(civil_id__in={r.civil_id for r in new}).values_list("civil_id", "pk"))
    rows: dict[tuple[str, dt.date, int, str], _Row] = {}
    for r in new:
        outcome = r.outcome if r.civil_id in accounts else Outcome.NO_ACCOUNT
        rows[r.key] = replace(r, outcome=outcome, passed=())
        for days in r.passed:  # those already told, or passed, stay as they are (ON CONFLICT)
            passed = replace(r, days_before=days, renew="", outcome=Outcome.PASSED, passed=())
            rows.setdefault(passed.key, passed)
    inserted = _insert(rows)
    events: list[DomainEvent] = []
    for reminder_id, row in inserted:
        if row.outcome == Outcome.PASSED:
            swept.passed += 1
        elif row.outcome == Outcome.NO_ACCOUNT:
            swept.no_account += 1
        else:
            swept.told += 1
            company = counted.get((row.record, row.expires_on))
            events.append(
                ReminderDue(
                    reminder_id=reminder_id,
                    user_id=accounts[row.civil_id],
                    document=row.document,
                    expires_on=row.expires_on.isoformat(),
                    days_before=row.days_before,
                    renew=row.renew,
                    for_child=company is None and row.civil_id != row.holder_civil_id,
                    company=row.holder_civil_id if company else "",
                    permits=company.permits if company else 0,
                    residencies=company.residencies if company else 0,
                    amount_fils=company.amount_fils if company else 0,
                )
            )
    if events:
        announce_all(events)
    return len(inserted)


def _due_rows(document: HeldDocument, today: dt.date, parents: tuple[str, ...]) -> Iterator[_Row]:
    """The rows a document is due for today: one per person told, at its nearest threshold reached
    (the holder, and the parents of a holder who is a child)."""
    reminding = REMINDERS[document.kind]
    found = due(reminding.days, (document.expires_on - today).days)
    if found is None:
        return
    renew = reminding.renewed_by(document.variant)
    for civil_id in (document.holder_civil_id, *parents):
        yield _Row(
            document.record,
            document.kind,
            document.expires_on,
            found.days_before,
            civil_id,
            document.holder_civil_id,
            renew,
            Outcome.TOLD,
            found.passed,
        )


@dataclass
class _Counted:
    """A company's dues of one group (a day, or a week of its workers'), counted."""

    number: str
    permits: int = 0
    residencies: int = 0
    amount_fils: int = 0


def _remind_companies(kind: str, dues: list[CompanyDue], today: dt.date, swept: Swept) -> int:
    """Write and announce what these companies are due for (each company's dues all in `dues`): one
    row per group, threshold and person told; how many rows were written."""
    reminding = COMPANY_REMINDERS[kind]
    groups: dict[tuple[int, dt.date], _Counted] = {}
    for d in dues:
        on = week_end(d.on) if reminding.weekly else d.on
        group = groups.setdefault((d.company_id, on), _Counted(d.number))
        if d.kind == "work_permit":
            group.permits += d.count
        elif d.kind == "worker_residency":
            group.residencies += d.count
        group.amount_fils += d.amount_fils
    found = {key: at for key in groups if (at := due(reminding.days, (key[1] - today).days)) is not None}
    if not found:
        return 0
    numbers = {groups[key].number for key in found}
    signers = registers().signers(numbers)
    delegates = scopes_in_force(numbers, today)
    due_rows: list[_Row] = []
    counted: dict[tuple[str, dt.date], _Counted] = {}
    for (company_id, on), at in found.items():
        group = groups[(company_id, on)]
        record = f"{kind}:{company_id}"
        counted[(record, on)] = group
        told = dict.fromkeys(signers.get(group.number, ()))
        for civil_id, scopes in delegates.get(group.number, {}).items():
            if any(delegate_may(scopes, action, category) for action, category in reminding.delegates):
                told.setdefault(civil_id)
        for civil_id in told:
            due_rows.append(
                _Row(
                    record,
                    kind,
                    on,
                    at.days_before,
                    civil_id,
                    group.number,
                    reminding.renew,
                    Outcome.TOLD,
                    at.passed,
                )
            )
    return _write(due_rows, swept, counted)


def _by_company(dues: Iterable[CompanyDue], size: int) -> Iterator[list[CompanyDue]]:
    """Batches of about `size` dues that never split a company's (they come ordered by company)."""
    chunk: list[CompanyDue] = []
    for d in dues:
        if len(chunk) >= size and d.company_id != chunk[-1].company_id:
            yield chunk
            chunk = []
        chunk.append(d)
    if chunk:
        yield chunk


# The statement's text holds only the table's own names and placeholders; every value is a parameter.
_INSERT = (
    'INSERT INTO "journeys_reminder" ("record", "document", "expires_on", "days_before", "civil_id", '
    '"holder_civil_id", "renew", "outcome", "created_at") VALUES {values} '
    'ON CONFLICT ("record", "expires_on", "days_before", "civil_id") DO NOTHING '
    'RETURNING "id", "record", "expires_on", "days_before", "civil_id"'
)
_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
# Rows per INSERT: 9 parameters each stays under SQLite's 32,766 and PostgreSQL's 65,535.
_ROWS_PER_INSERT = 1000


def _insert(rows: dict[tuple[str, dt.date, int, str], _Row]) -> list[tuple[int, _Row]]:
    """Insert the rows no one wrote meanwhile; each inserted row with its id (PostgreSQL and SQLite
    alike: both have ON CONFLICT and RETURNING). A row another sweep wrote first is not returned."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    inserted: list[tuple[int, _Row]] = []
    for part in _batches(rows.values(), _ROWS_PER_INSERT):
        params: list[Any] = []
        for r in part:
            expires_on = ops.adapt_datefield_value(r.expires_on)
            params += [r.record, r.document, expires_on, r.days_before, r.civil_id]
            params += [r.holder_civil_id, r.renew, r.outcome, now]
        with connection.cursor() as cursor:
            cursor.execute(_INSERT.format(values=", ".join([_ROW] * len(part))), params)
            for pk, record, expires_on, days_before, civil_id in cursor.fetchall():
                day = expires_on if isinstance(expires_on, dt.date) else dt.date.fromisoformat(expires_on)
                inserted.append((int(pk), rows[(record, day, int(days_before), civil_id)]))
    return inserted


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
