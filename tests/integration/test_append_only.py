"""Append-only tables (an application's history, the audit log, the notice log, a complaint's
history, payment events): rows are added, never changed or removed. The ORM refuses on every
database; on PostgreSQL a trigger refuses UPDATE and DELETE from anywhere, raw SQL included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, models, transaction
from django.db.models import ProtectedError
from django.db.models.base import ModelState

from sahl.applications.models import Application, HistoryEvent
from sahl.audit import services as audit
from sahl.audit.models import AuditEntry
from sahl.catalogue.models import Service
from sahl.complaints.models import Complaint, Event, Topic
from sahl.core.append_only import AppendOnly, AppendOnlyError, RefuseChanges
from sahl.events.models import Event as DomainEvent
from sahl.identity.models import User
from sahl.notifications.models import Notice, NoticeLog
from sahl.outbox.models import Attempt as OutboxAttempt
from sahl.outbox.models import Delivery
from sahl.payments.models import PaymentEvent

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not POSTGRES, reason="the trigger exists on PostgreSQL only")

# Each append-only model, with a text column to try changing.
TABLES: dict[type[AppendOnly], str] = {
    HistoryEvent: "note",
    AuditEntry: "purpose",
    NoticeLog: "role",
    Event: "note",
    PaymentEvent: "detail",
    DomainEvent: "subject",
    OutboxAttempt: "error",
}
each_table = pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m._meta.db_table)


@pytest.fixture
def rows(db) -> dict[type[AppendOnly], AppendOnly]:
    """One row in each append-only table (made directly: these tests are about the tables)."""
    service = Service.objects.filter(current_version__isnull=False).select_related("agency").first()
    assert service is not None and service.current_version is not None
    user = User.objects.order_by("pk").first()
    assert user is not None
    application = Application.objects.create(
        reference="T-APPEND-0001",
        service=service,
        version=service.current_version,
        agency=service.agency,
        applicant=user,
        subject_civil_id=user.civil_id,
    )
    topic = Topic.objects.filter(agency__isnull=False).first()
    assert topic is not None and topic.agency is not None
    complaint = Complaint.objects.create(
        reference="C-APPEND-0001",
        topic=topic,
        agency=topic.agency,
        description="A lamp post is down",
        latitude=Decimal("29.337500"),
        longitude=Decimal("48.075800"),
        governorate="KW-HA",
        due_on=dt.date(2026, 12, 31),
    )
    notice = Notice.objects.create(
        reference="N-APPEND-0001",
        agency=service.agency,
        sent_by=user,
        civil_id=user.civil_id,
        subject="Summons",
        body="Please come.",
    )
    return {
        HistoryEvent: HistoryEvent.objects.create(application=application, kind=HistoryEvent.Kind.CREATED),
        AuditEntry: audit.append("login", subject_civil_id=user.civil_id),
        NoticeLog: NoticeLog.objects.create(notice=notice, event=NoticeLog.Event.SENT, actor=user),
        Event: Event.objects.create(complaint=complaint, kind=Event.Kind.FILED, agency=topic.agency),
        PaymentEvent: PaymentEvent.objects.create(kind="callback_refused", detail="bad signature"),
        DomainEvent: DomainEvent.objects.create(type="test.probed", subject="probe:1", payload={"number": 1}),
        OutboxAttempt: OutboxAttempt.objects.create(
            delivery=Delivery.objects.create(channel="email", destination="email", topic="message:1"),
            outcome=OutboxAttempt.Outcome.SENT,
        ),
    }


def unchanged(model: type[AppendOnly], row: AppendOnly, count: int) -> bool:
    """The row still holds what it was written with, and no row went."""
    field = TABLES[model]
    stored = model.objects.filter(pk=row.pk).values_list(field, flat=True).first()
    return stored is not None and stored != "changed" and model.objects.count() == count


# --- The ORM, on every database ----------------------------------------------------------------


# Every way the ORM offers to change or remove rows, through the model's manager and through the
# base manager Django uses itself (for related rows and cascades).
ATTEMPTS = {
    "update": lambda m, pk, f: m.objects.filter(pk=pk).update(**{f: "changed"}),
    "update_all": lambda m, pk, f: m.objects.update(**{f: "changed"}),
    "delete": lambda m, pk, f: m.objects.filter(pk=pk).delete(),
    "delete_all": lambda m, pk, f: m.objects.all().delete(),
    "bulk_update": lambda m, pk, f: m.objects.bulk_update([m.objects.get(pk=pk)], [f]),
    "update_or_create": lambda m, pk, f: m.objects.update_or_create(pk=pk, defaults={f: "changed"}),
    "base_manager_update": lambda m, pk, f: m._base_manager.filter(pk=pk).update(**{f: "changed"}),
    "base_manager_delete": lambda m, pk, f: m._base_manager.filter(pk=pk).delete(),
}


@each_table
@pytest.mark.parametrize("attempt", list(ATTEMPTS))
def test_querysets_refuse_update_and_delete(rows, model, attempt):
    row, field = rows[model], TABLES[model]
    count = model.objects.count()
    with pytest.raises(AppendOnlyError, match=f"{model._meta.label} is append-only"), transaction.atomic():
        ATTEMPTS[attempt](model, row.pk, field)
    assert unchanged(model, row, count)


@each_table
def test_an_instance_refuses_a_second_save_and_delete(rows, model):
    row, field = rows[model], TABLES[model]
    count = model.objects.count()
    setattr(row, field, "changed")
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.save()
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.save(update_fields=[field])
    with pytest.raises(AppendOnlyError, match="append-only"):
        row.delete()
    loaded = model.objects.get(pk=row.pk)
    setattr(loaded, field, "changed")
    with pytest.raises(AppendOnlyError, match="append-only"):
        loaded.save()
    assert unchanged(model, row, count)


@each_table
def test_a_new_instance_carrying_an_existing_id_cannot_overwrite_the_row(rows, model):
    """Django would first try an UPDATE for an instance with an id; here it only ever inserts."""
    row, field = rows[model], TABLES[model]
    count = model.objects.count()
    twin = model.objects.get(pk=row.pk)
    twin._state = ModelState()  # as if made with model(id=row.id, ...)
    setattr(twin, field, "changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert unchanged(model, row, count)


def test_new_rows_are_still_added(rows):
    history = rows[HistoryEvent]
    assert isinstance(history, HistoryEvent)
    before = HistoryEvent.objects.filter(application=history.application_id).count()
    HistoryEvent.objects.create(application_id=history.application_id, kind=HistoryEvent.Kind.SUBMITTED)
    HistoryEvent.objects.bulk_create(
        [HistoryEvent(application_id=history.application_id, kind=HistoryEvent.Kind.PAID)]
    )
    assert HistoryEvent.objects.filter(application=history.application_id).count() == before + 2


def test_an_application_or_complaint_with_history_cannot_be_deleted(rows):
    """Deleting the parent would take its history with it: the parent is protected instead."""
    history, event = rows[HistoryEvent], rows[Event]
    assert isinstance(history, HistoryEvent) and isinstance(event, Event)
    with pytest.raises(ProtectedError), transaction.atomic():
        Application.objects.filter(pk=history.application_id).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Complaint.objects.filter(pk=event.complaint_id).delete()
    assert HistoryEvent.objects.filter(pk=history.pk).exists() and Event.objects.filter(pk=event.pk).exists()


# --- PostgreSQL: the trigger refuses whatever goes around the ORM --------------------------------


def refused(statement) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as caught, transaction.atomic():
        statement()
    return caught.value


@postgres_only
@each_table
def test_raw_sql_update_and_delete_fail(rows, model):
    row, field = rows[model], TABLES[model]
    table = model._meta.db_table
    count = model.objects.count()

    def execute(sql: str, params: list[object]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    one = refused(lambda: execute(f"UPDATE {table} SET {field} = %s WHERE id = %s", ["changed", row.pk]))  # noqa: S608
    assert f"UPDATE on {table} refused: the table is append-only" in str(one)
    assert getattr(one.__cause__, "sqlstate", None) == "42501"  # insufficient_privilege
    refused(lambda: execute(f"UPDATE {table} SET {field} = %s", ["changed"]))  # noqa: S608
    gone = refused(lambda: execute(f"DELETE FROM {table} WHERE id = %s", [row.pk]))  # noqa: S608
    assert f"DELETE on {table} refused" in str(gone)
    refused(lambda: execute(f"DELETE FROM {table}", []))  # noqa: S608
    assert unchanged(model, row, count)


@postgres_only
@each_table
def test_querysets_that_go_around_the_manager_fail(rows, model):
    row, field = rows[model], TABLES[model]
    count = model.objects.count()
    plain = models.QuerySet(model)
    refused(lambda: plain.filter(pk=row.pk).update(**{field: "changed"}))
    refused(lambda: plain.update(**{field: "changed"}))
    refused(lambda: plain.filter(pk=row.pk).delete())
    refused(lambda: plain.delete())
    assert unchanged(model, row, count)


@postgres_only
def test_truncate_stays_allowed(rows):
    """The test framework empties tables with TRUNCATE between transactional tests."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
            for model in TABLES:
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")  # with rows that point to it
                assert not model.objects.exists()
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        transaction.set_rollback(True)
    assert all(model.objects.filter(pk=rows[model].pk).exists() for model in TABLES)


@postgres_only
def test_the_migration_operation_can_be_reversed():
    operation = RefuseChanges("append_only_scratch")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE append_only_scratch (id int PRIMARY KEY, note text)")
        cursor.execute("INSERT INTO append_only_scratch VALUES (1, 'first')")
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("core", editor, None, None)
    refused(lambda: connection.cursor().execute("UPDATE append_only_scratch SET note = 'changed'"))
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards("core", editor, None, None)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE append_only_scratch SET note = 'changed'")
        cursor.execute("DELETE FROM append_only_scratch")
        # The other tables' triggers still use the shared function: it stays.
        cursor.execute("SELECT to_regprocedure('sahl_refuse_change()') IS NOT NULL")
        assert cursor.fetchone()[0]
        cursor.execute("DROP TABLE append_only_scratch")
