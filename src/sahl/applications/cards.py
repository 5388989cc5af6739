"""The cards of "my applications" (ADR 0042): one row per application and per person who sees it
(the subject and each party), written in the transaction of every change the list shows, and
rebuilt from the applications in batches.

Both ways write with the same statement: an INSERT ... SELECT over the application, its service,
agency and category and its parties, ON CONFLICT (civil_id, application) DO UPDATE. So the events
keep exactly what a rebuild writes, in one statement per change, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from sahl.applications import id_ranges
from sahl.applications.models import Application, ApplicationCard, Party
from sahl.catalogue.models import Agency, Category, Service
from sahl.core import one_statement

SUBJECT = "subject"  # the role of the subject's own card
BATCH = 20_000  # applications per rebuild batch: one short transaction each, at any size of table
REFRESH = 10_000  # a service's applications per transaction when what the catalogue says of it changed

_COLUMNS = (
    "civil_id",
    "application_id",
    "role",
    "reference",
    "created_at",
    "updated_at",
    "state",
    "submitted_at",
    "due_on",
    "service_code",
    "service_name_ar",
    "service_name_en",
    "service_category",
    "agency_code",
    "agency_name_ar",
    "agency_name_en",
)


def _statement(where: str) -> str:
    """The upsert of the cards of the applications `where` (on alias `a`, with %s placeholders)
    selects: the subject's, and one per other person on it (their first role). Only table and
    column names are written into the text; every value is a parameter."""
    q = connection.ops.quote_name
    app, party = q(Application._meta.db_table), q(Party._meta.db_table)
    service, agency, category = (q(m._meta.db_table) for m in (Service, Agency, Category))
    viewers = (
        f"SELECT a.id AS application_id, a.subject_civil_id AS civil_id, '{SUBJECT}' AS role"  # noqa: S608
        f" FROM {app} a WHERE {where}"
        " UNION ALL"
        " SELECT p.application_id, p.civil_id, p.role"
        f" FROM {party} p JOIN {app} a ON a.id = p.application_id"
        f" WHERE {where} AND p.civil_id <> a.subject_civil_id AND p.id = ("
        f"SELECT MIN(o.id) FROM {party} o WHERE o.application_id = p.application_id AND o.civil_id = p.civil_id)"
    )
    updated = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("civil_id", "application_id"))
    # WHERE true: SQLite reads "ON" after a SELECT's FROM as a join's unless a WHERE comes between.
    return (
        f"INSERT INTO {q(ApplicationCard._meta.db_table)} ({', '.join(_COLUMNS)})"  # noqa: S608
        " SELECT v.civil_id, a.id, v.role, a.reference, a.created_at, %s, a.state, a.submitted_at,"
        " a.due_on, s.code, s.name_ar, s.name_en, c.code, g.code, g.name_ar, g.name_en"
        f" FROM ({viewers}) v JOIN {app} a ON a.id = v.application_id"
        f" JOIN {service} s ON s.id = a.service_id JOIN {category} c ON c.id = s.category_id"
        f" JOIN {agency} g ON g.id = a.agency_id"
        " WHERE true"
        f" ON CONFLICT (civil_id, application_id) DO UPDATE SET {updated}"
    )


def _now() -> Any:
    return connection.ops.adapt_datetimefield_value(timezone.now())


def keep(application_id: int) -> None:
    """Write the application's cards as it is now: one statement, in the caller's transaction (with
    the events announced, when a step's listener keeps them: ADR 0070)."""
    one_statement.run_or_join(_statement("a.id = %s"), [_now(), application_id, application_id])


def rebuild() -> int:
    """Every card anew from the applications, by ranges of their ids (`id_ranges.rebuild`)."""
    statement = _statement("a.id > %s AND a.id <= %s")

    def write(low: int, high: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, [_now(), low, high, low, high])
            return max(cursor.rowcount, 0)

    return id_ranges.rebuild(ApplicationCard, BATCH, write)


def refresh_service(service_id: int) -> int:
    """The cards of one service's applications written again (its name or category changed)."""
    statement = _statement("a.service_id = %s AND a.id > %s AND a.id <= %s")

    def write(low: int, high: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, [_now(), service_id, low, high, service_id, low, high])
            return max(cursor.rowcount, 0)

    return id_ranges.refresh_service(service_id, REFRESH, write)


def rows() -> list[dict[str, Any]]:
    """Every card, without write times, in a stable order (to compare what events kept with a rebuild)."""
    fields = [c for c in _COLUMNS if c != "updated_at"]
    return list(ApplicationCard.objects.order_by("application_id", "civil_id").values(*fields))
