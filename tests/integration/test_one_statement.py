"""Writes gathered into one statement (core.one_statement, ADR 0070): rows of several tables and
the statements joined to them are one statement on PostgreSQL and one each elsewhere, with the same
rows written; a row may name another written in the same statement; a joined statement that
returns rows hands them back."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.db.models.functions import Now
from django.db.models.sql import InsertQuery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.core import one_statement
from sahl.events.models import Event, Handling
from sahl.identity.models import RateCount

pytestmark = pytest.mark.django_db

UPSERT = (
    'INSERT INTO "identity_ratecount" ("key", "count", "expires_at") VALUES (%s, %s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = "identity_ratecount"."count" + 1'
)


def test_rows_of_three_tables_and_a_joined_upsert_are_one_statement_on_postgresql():
    events = [Event(type="test.gathered", subject=f"gathered:{n}", payload={"n": n}) for n in range(3)]
    handlings = [Handling(event=e, subscriber=f"test.{n}") for n, e in enumerate(events)]
    returned: list[list[tuple[object, ...]]] = []
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with one_statement.joining() as joined:
            one_statement.run_or_join(
                UPSERT + ' RETURNING "count"', ["gathered", 1, 9e9], then=returned.append
            )
            one_statement.run_or_join(UPSERT, ["gathered-too", 1, 9e9])
        one_statement.insert_together(events, [], handlings, joined=joined)
    statements = [q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 4)
    assert returned == [[(1,)]]  # the one statement that returns rows hands them back
    assert Event.objects.filter(type="test.gathered").count() == 3
    written = Handling.objects.filter(event__type="test.gathered").values_list("event_id", "subscriber")
    assert set(written) == {(e.pk, f"test.{n}") for n, e in enumerate(events)}
    assert set(RateCount.objects.values_list("key", "count")) >= {("gathered", 1), ("gathered-too", 1)}
    assert all(not e._state.adding for e in events)


def test_outside_joining_a_statement_runs_at_once_and_gives_its_rows():
    returned: list[list[tuple[object, ...]]] = []
    with CaptureQueriesContext(connection) as queries:
        one_statement.run_or_join(UPSERT + ' RETURNING "count"', ["alone", 1, 9e9], then=returned.append)
        assert RateCount.objects.get(key="alone").count == 1  # written before the next line runs
    assert returned == [[(1,)]] and len(queries) == 2


def test_of_two_that_return_rows_the_second_runs_alone_and_each_gets_its_own():
    first, second = [], []
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with one_statement.joining() as joined:
            one_statement.run_or_join(UPSERT + ' RETURNING "key"', ["one", 1, 9e9], then=first.append)
            one_statement.run_or_join(UPSERT + ' RETURNING "key"', ["two", 1, 9e9], then=second.append)
        event = Event(type="test.gathered", subject="gathered:x", payload={})
        one_statement.insert_together([event], joined=joined)
    assert first == [[("one",)]] and second == [[("two",)]]
    assert Event.objects.filter(pk=event.pk).exists()
    assert len([q for q in queries.captured_queries if "identity_ratecount" in q["sql"]]) == 2


def test_a_batch_mixing_rows_with_and_without_their_keys_or_two_models_is_refused():
    with pytest.raises(TypeError):
        one_statement.insert_together([Event(type="a"), Handling(subscriber="b")])
    if connection.vendor == "postgresql":
        mixed = [Handling(pk=10**9, event_id=uuid.uuid4(), subscriber="a"), Handling(subscriber="b")]
        with pytest.raises(ValueError, match="every row or none"):
            one_statement.insert_together(mixed)


def _events(tag: str, count: int) -> list[Event]:
    moment = timezone.now()
    return [
        Event(type="test.shaped", subject=f"{tag}:{n}", payload={"n": n, "tag": tag}, occurred_at=moment)
        for n in range(count)
    ]


# The gathered statement, and so its kept shapes, are PostgreSQL's: elsewhere bulk_create writes.
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one statement is PostgreSQL's (bulk_create elsewhere)"
)


@only_postgresql
@pytest.mark.parametrize("count", [1, 3], ids=["one row", "several rows"])
def test_an_insert_of_a_known_shape_is_written_as_django_writes_it_without_compiling_it(count, monkeypatch):
    """The first batch of a model and columns is compiled by Django and its text kept; a later
    batch of that shape gets the same text and its values prepared as Django prepares them."""
    one_statement._SHAPES.clear()
    first = _events("first", count)
    learned_sql, learned_params = one_statement._compiled(first)
    compiled: list[object] = []
    original = InsertQuery.get_compiler
    monkeypatch.setattr(
        InsertQuery, "get_compiler", lambda self, *a, **k: compiled.append(self) or original(self, *a, **k)
    )
    again = [Event(**{f.attname: getattr(e, f.attname) for f in Event._meta.concrete_fields}) for e in first]
    kept_sql, kept_params = one_statement._compiled(again)
    assert compiled == []  # no compiler this time
    assert kept_sql == learned_sql
    assert [_plain(p) for p in kept_params] == [_plain(p) for p in learned_params]

    second = _events("second", count)
    with transaction.atomic():
        one_statement.insert_together(second)
    assert compiled == []
    written = Event.objects.filter(type="test.shaped", subject__startswith="second:").order_by("subject")
    assert [(e.pk, e.payload, e.occurred_at) for e in written] == [
        (e.pk, e.payload, e.occurred_at) for e in second
    ]


@only_postgresql
def test_a_value_that_is_an_expression_is_left_to_django(monkeypatch):
    one_statement._SHAPES.clear()
    one_statement._compiled(_events("learn", 1))
    compiled: list[object] = []
    original = InsertQuery.get_compiler
    monkeypatch.setattr(
        InsertQuery, "get_compiler", lambda self, *a, **k: compiled.append(self) or original(self, *a, **k)
    )
    [event] = _events("expression", 1)
    event.occurred_at = Now()
    with transaction.atomic():
        one_statement.insert_together([event])
    assert len(compiled) == 1
    assert Event.objects.get(subject="expression:0").occurred_at is not None


def _plain(param: object) -> object:
    """A parameter as compared: psycopg's JSON wrapper by the object it holds."""
    if isinstance(param, list):
        return [_plain(p) for p in param]
    return getattr(param, "obj", param)
