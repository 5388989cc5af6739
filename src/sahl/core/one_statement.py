"""Writes of a change gathered into one statement (ADR 0070).

On PostgreSQL new rows of several tables, and the statements of read models kept at once, go in
one statement: all but one ride in data-modifying WITH clauses, each run once and to completion
whatever the main statement reads, all seeing the database as it was before the statement.
Elsewhere (SQLite) each is its own statement, in the order given.

- `insert_together(*batches)` inserts rows of several models as `bulk_create` would, with nothing
  read back: their keys are made before they are written (uuids), or not needed. Foreign keys
  between them are checked at commit (Django makes them deferred), so a row may name another
  written in the same statement.
- `run_or_join(sql, params)` runs a statement now, or, inside `joining()`, keeps it to be written
  with the next `insert_together(..., joined=...)`. Only for a statement that reads nothing
  written by the others gathered with it (an upsert of a read model built from rows already
  written), and whose caller needs nothing of its effect before then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models.sql import InsertQuery

from sahl.core.compiled import prepared_cursor

Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class Joined:
    sql: str
    params: Sequence[Any]
    then: Callable[[Rows], None] | None  # given the rows the statement returns, once written


_joining: ContextVar[list[Joined] | None] = ContextVar("sahl_joining", default=None)


@contextmanager
def joining() -> Iterator[list[Joined]]:
    """Keep the statements `run_or_join` is given within the block (on PostgreSQL; elsewhere they
    run at once), for the caller to write with its `insert_together`."""
    if connection.vendor != "postgresql":
        yield []
        return
    joined: list[Joined] = []
    token = _joining.set(joined)
    try:
        yield joined
    finally:
        _joining.reset(token)


def run_or_join(sql: str, params: Sequence[Any], then: Callable[[Rows], None] | None = None) -> None:
    """Run the statement now (and give `then` its rows), or keep it for the gathered write."""
    joined = _joining.get()
    if joined is not None:
        joined.append(Joined(sql, params, then))
        return
    _run(Joined(sql, params, then))


def insert_together(*batches: Sequence[models.Model], joined: Sequence[Joined] = ()) -> None:
    """Insert each batch (rows of one model) as `bulk_create` would, and write the statements
    joined: all in one statement on PostgreSQL. Empty batches are left out."""
    batches = tuple(rows for rows in batches if rows)
    for rows in batches:
        if any(type(row) is not type(rows[0]) for row in rows):
            raise TypeError(f"one model per batch: {sorted({type(row).__name__ for row in rows})}")
    if connection.vendor != "postgresql":
        for rows in batches:
            type(rows[0])._default_manager.bulk_create(rows)
        for one in joined:
            _run(one)
        return
    answering = [one for one in joined if one.then is not None]
    for one in answering[1:]:  # one statement's rows are read back: others that want theirs run alone
        _run(one)
    gathered = [one for one in joined if one.then is None or one is answering[0]]
    statements = [_compiled(rows) for rows in batches] + [(one.sql, one.params) for one in gathered]
    if not statements:
        return
    if answering:  # every statement rides in WITH; the main one reads what that one returns
        main = f"SELECT * FROM written_{len(batches) + gathered.index(answering[0])}"  # noqa: S608 (a number)
        companions = statements
    else:
        main, companions = statements[-1][0], statements[:-1]
    sql = main
    if companions:
        sql = "WITH " + ", ".join(f"written_{n} AS ({s})" for n, (s, _) in enumerate(companions)) + " " + main
    with _cursor() as cursor:
        cursor.execute(sql, [p for _, params in statements for p in params])
        returned = cursor.fetchall() if answering else []
    for batch in batches:
        for row in batch:
            row._state.adding, row._state.db = False, connection.alias
    if answering:
        then = answering[0].then
        assert then is not None
        then(returned)


def _run(one: Joined) -> None:
    with _cursor() as cursor:
        cursor.execute(one.sql, one.params)
        if one.then is not None:
            one.then(cursor.fetchall())


def _cursor() -> Any:
    """On PostgreSQL a preparing cursor: each statement's shape is planned once per connection (a
    read model's upsert takes longer to plan than to run; rows go in arrays, so the text does not
    change with their number)."""
    return prepared_cursor(connection) if connection.vendor == "postgresql" else connection.cursor()


def _compiled(rows: Sequence[models.Model]) -> tuple[str, Sequence[Any]]:
    """The INSERT `bulk_create` would send for these rows, returning nothing."""
    model = type(rows[0])
    opts = model._meta
    for row in rows:
        if row.pk is None:
            row.pk = opts.pk.get_pk_value_on_save(row)  # a uuid's default, as bulk_create makes it
        # The related rows' keys copied in (a handling's event), as bulk_create does.
        row._prepare_related_fields_for_save(operation_name="insert_together")  # type: ignore[attr-defined]
    fields = [f for f in opts.concrete_fields if not f.generated]
    if any(row.pk is None for row in rows):  # keys the database makes: none are read back
        if not all(row.pk is None for row in rows):
            raise ValueError(f"{model.__name__}: every row or none with its key")
        fields = [f for f in fields if f is not opts.pk]
    names = tuple(f.attname for f in fields)
    shape = _SHAPES.get((model, names, len(rows) > 1))
    if shape is not None:
        saved = [[f.pre_save(row, add=True) for f in fields] for row in rows]
        if not any(_is_expression(value) for values in saved for value in values):
            prepared = [
                [
                    f.get_db_prep_save(value, connection=connection)
                    for f, value in zip(fields, values, strict=True)
                ]
                for values in saved
            ]
            return shape.sql, shape.params(prepared)
    query = InsertQuery(model)
    query.insert_values(fields, list(rows), raw=False)
    (sql, params), *more = query.get_compiler(connection=connection).as_sql()
    if more:  # a backend without multi-row inserts: not PostgreSQL
        raise RuntimeError("one statement was expected")
    _learn(model, fields, names, rows, sql)
    return sql, params


@dataclass(frozen=True)
class _Shape:
    """The INSERT Django writes for rows of one model with these columns: its text, and whether
    the values go one per column as arrays (UNNEST, for several rows) or row after row."""

    sql: str
    by_column: bool

    def params(self, values: list[list[Any]]) -> list[Any]:
        if self.by_column:
            return [list(column) for column in zip(*values, strict=True)]
        return [value for row in values for value in row]


# Django builds and compiles an INSERT anew for every batch, a tenth of a submission's time: its
# text depends only on the model, the columns and whether there are several rows (PostgreSQL's
# UNNEST takes any number), so it is kept once Django has written it; each batch then only
# prepares its values as Django does (`pre_save`, then `get_db_prep_save`).
_SHAPES: dict[tuple[type[models.Model], tuple[str, ...], bool], _Shape] = {}


def _learn(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    names: tuple[str, ...],
    rows: Sequence[models.Model],
    sql: str,
) -> None:
    """Keep the statement's shape when each value is one plain placeholder (no field writes its
    own, as a geometry's does), in one of the two layouts `_Shape` knows."""
    if any(hasattr(f, "get_placeholder") for f in fields):
        return
    by_column = " UNNEST(" in sql
    if sql.count("%s") != (len(fields) if by_column else len(fields) * len(rows)):
        return
    if not by_column and len(rows) > 1:  # several rows as VALUES: the text grows with them
        return
    _SHAPES[(model, names, len(rows) > 1)] = _Shape(sql, by_column)


def _is_expression(value: Any) -> bool:
    return hasattr(value, "resolve_expression") or hasattr(value, "as_sql")
