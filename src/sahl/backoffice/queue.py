"""Keeping the queue's rows (ADR 0046): one per case the agency works on, written in the transaction
of every change the queue shows and rebuilt from the applications in batches.

Both ways write with the same statement, an INSERT ... SELECT over the application, its service
and its caseworker, ON CONFLICT (application) DO UPDATE: the events keep exactly what a rebuild
writes, in one statement per change, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from django.db import connection

from sahl.applications import id_ranges
from sahl.applications.models import Application
from sahl.applications.states import State
from sahl.backoffice.models import NO_DUE_DATE, QueueEntry
from sahl.catalogue.models import Service
from sahl.identity.models import User

# The states of the cases the agency works on: in review, or waiting for the applicant's answer.
WORKABLE = (State.IN_REVIEW, State.ACTION_NEEDED)
BATCH = 100_000  # application ids per rebuild batch (open cases are a fraction of them)
REFRESH = 20_000  # a service's applications per transaction when its name changed

_COLUMNS = (
    "application_id",
    "reference",
    "agency_id",
    "service_code",
    "service_name_ar",
    "service_name_en",
    "state",
    "due_on",
    "due_sort",
    "submitted_at",
    "assignee_id",
    "assignee_name_ar",
    "assignee_name_en",
)


def _statement(where: str) -> str:
    """The upsert of the rows of the workable applications `where` (alias `a`, %s placeholders,
    after the first two: the states)."""
    q = connection.ops.quote_name
    app, service, user = (q(m._meta.db_table) for m in (Application, Service, User))
    updated = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "application_id")
    # Only table and column names are put in; every value is a parameter.
    return (
        f"INSERT INTO {q(QueueEntry._meta.db_table)} ({', '.join(_COLUMNS)})"  # noqa: S608
        " SELECT a.id, a.reference, a.agency_id, s.code, s.name_ar, s.name_en, a.state, a.due_on,"
        " COALESCE(a.due_on, %s), COALESCE(a.submitted_at, a.created_at),"
        " a.assigned_to_id, COALESCE(u.name_ar, ''), COALESCE(u.name_en, '')"
        f" FROM {app} a JOIN {service} s ON s.id = a.service_id"
        f" LEFT JOIN {user} u ON u.id = a.assigned_to_id"
        f" WHERE a.state IN (%s, %s) AND {where}"
        f" ON CONFLICT (application_id) DO UPDATE SET {updated}"
    )


def _fixed() -> list[Any]:
    return [connection.ops.adapt_datefield_value(NO_DUE_DATE), *(str(s) for s in WORKABLE)]


def keep(application_id: int, state: str) -> None:
    """The case's row as it is now, in the caller's transaction: written while the agency works on
    it, gone once it left the queue. One statement either way."""
    if state not in WORKABLE:
        QueueEntry.objects.filter(application_id=application_id).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(_statement("a.id = %s"), [*_fixed(), application_id])


def rebuild() -> int:
    """Every row anew from the applications, by ranges of their ids (`id_ranges.rebuild`)."""
    statement = _statement("a.id > %s AND a.id <= %s")

    def write(low: int, high: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, [*_fixed(), low, high])
            return max(cursor.rowcount, 0)

    return id_ranges.rebuild(QueueEntry, BATCH, write)


def refresh_service(service_id: int) -> int:
    """The rows of one service's open cases written again (its name changed)."""
    statement = _statement("a.service_id = %s AND a.id > %s AND a.id <= %s")

    def write(low: int, high: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, [*_fixed(), service_id, low, high])
            return max(cursor.rowcount, 0)

    return id_ranges.refresh_service(service_id, REFRESH, write)


def entry_of(application: Application) -> QueueEntry:
    """An application as a row of the queue, unsaved (a status filter the rows do not serve reads
    the applications and shows them in the same shape). Needs its service and caseworker loaded."""
    worker = application.assigned_to
    return QueueEntry(
        application_id=application.pk,
        reference=application.reference,
        agency_id=application.agency_id,
        service_code=application.service.code,
        service_name_ar=application.service.name_ar,
        service_name_en=application.service.name_en,
        state=application.state,
        due_on=application.due_on,
        due_sort=application.due_on or NO_DUE_DATE,
        submitted_at=application.submitted_at or application.created_at,
        assignee_id=application.assigned_to_id,
        assignee_name_ar=worker.name_ar if worker else "",
        assignee_name_en=worker.name_en if worker else "",
    )


def rows() -> list[dict[str, Any]]:
    """Every row in a stable order (to compare what the events kept with a rebuild)."""
    return list(QueueEntry.objects.order_by("application_id").values(*_COLUMNS))
