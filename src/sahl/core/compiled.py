"""Hot reads whose SQL Django compiles once per process and database (ADR 0062).

Django builds and compiles a queryset's SQL on every call: 120 to 250 µs for each of a page's hot
reads, as long as PostgreSQL takes to answer them. A `CompiledRead` is written as an ordinary
`values_list` queryset with markers where a call's values go. The first call compiles it; every
later call runs the same SQL with its own values in the markers' places, and converts the rows as
Django would (dates on SQLite, JSON everywhere).

Only for reads of one fixed shape: each marker must stand for whole parameters (an `=`, a `<`, an
item of an IN, not part of a LIKE), and anything inlined in the SQL (a LIMIT, the number of items
of an IN) is part of the shape. A marker may stand in several places (a subquery used twice, the
same dates in each part of a UNION): the call's value goes in each.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet


class CompiledRead:
    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet[Any, Any]],
        slots: int,
        dates: Collection[int] = (),
        numbers: Collection[int] = (),
    ) -> None:
        """`build(*markers)` returns the `values_list` queryset, with `markers[i]` where the i-th
        value of a call goes. The slots named in `dates` take dates and those in `numbers` whole
        numbers (their markers are a date and a number no row has, which those fields accept); the
        others take strings."""
        self.model, self.build, self.slots = model, build, slots
        self.kinds = dict.fromkeys(dates, dt.date) | dict.fromkeys(numbers, int)
        self._local = threading.local()  # a compiler belongs to its thread's connection

    def rows(self, *values: object) -> list[tuple[Any, ...]]:
        return self._compiled(values).run(values)

    def instances(self, *values: object) -> list[Any]:
        """The rows as instances of the model, as the ORM loads them, for a read whose `values_list`
        names the model's own columns by their attnames (`all_columns` gives them all)."""
        compiled = self._compiled(values)
        return [self.model.from_db(compiled.alias, compiled.names, row) for row in compiled.run(values)]

    def _compiled(self, values: Sequence[object]) -> _Compiled:
        if len(values) != self.slots:
            raise TypeError(f"{self.slots} values expected, {len(values)} given")
        alias = router.db_for_read(self.model)
        compiled = getattr(self._local, alias, None)
        if compiled is None:
            compiled = _Compiled(self.build, self.slots, self.kinds, alias)
            setattr(self._local, alias, compiled)
        return compiled


def all_columns(model: type[Model]) -> tuple[str, ...]:
    """A model's columns by attname (`service_id`, not `service`): what `instances` loads."""
    return tuple(f.attname for f in model._meta.concrete_fields)


class _Compiled:
    def __init__(
        self, build: Callable[..., QuerySet[Any, Any]], slots: int, kinds: Mapping[int, type], alias: str
    ) -> None:
        # A date marker is a day no one asks about; the database's adapter may pass it on as a date
        # (PostgreSQL) or as its ISO text (SQLite): a call's date is then given in the same form.
        markers = [_marker(i, kinds.get(i, str)) for i in range(slots)]
        query = build(*markers).query
        self.names = list(query.values_select)
        self.compiler = query.get_compiler(alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.places: list[list[tuple[int, bool]]] = []  # each slot's places, and whether as text
        for marker in markers:
            text = marker.isoformat() if isinstance(marker, dt.date) else str(marker)
            found = [(i, isinstance(p, str)) for i, p in enumerate(self.params) if p in (marker, text)]
            if not found or text in self.sql:
                raise ValueError(f"a marker must stand for whole parameters: {self.sql}")
            self.places.append(found)
        self.alias = alias
        # What turns each column's value into Python's (JSON, SQLite's dates): worked out once, not
        # by `results_iter` on every call (5 % of the personal home's three reads).
        self.converters = self.compiler.get_converters(
            [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        )

    def run(self, values: Sequence[object]) -> list[tuple[Any, ...]]:
        params = list(self.params)
        for places, value in zip(self.places, values, strict=True):
            for place, as_text in places:
                params[place] = value.isoformat() if as_text and isinstance(value, dt.date) else value
        connection = connections[self.alias]
        with (
            prepared_cursor(connection)
            if connection.vendor == "postgresql"
            else connection.cursor() as cursor
        ):
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if not self.converters:
            return fetched
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self.converters)]


def _marker(slot: int, kind: type) -> object:
    if kind is dt.date:
        return dt.date(1001 + slot, 1, 1)
    if kind is int:
        return -(2**40) - slot  # no row's id or count
    return f"\x1esahl-compiled-{slot}\x1e"


def prepared_cursor(connection: Any) -> Any:
    """A cursor of Django's (queries logged and counted, execute wrappers run) over one of psycopg's
    that binds on the server and prepares: PostgreSQL plans the read once per connection, not on
    every call (a home page's UNION of five registers took 0.5 ms to plan and 0.2 ms to run). With
    `prepare_threshold` None (settings.PREPARED_READS) psycopg prepares nothing and this is a plain
    read. Also for a hot write of one fixed statement (`applications.pages_in_sql.keep`)."""
    connection.ensure_connection()
    return connection._prepare_cursor(_preparing_cursor()(connection.connection))


@cache
def _preparing_cursor() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg only where used

    class Preparing(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            done = super().execute(query, params, prepare=True)  # type: ignore[misc]
            if getattr(self, "_query", None) is None:
                # psycopg leaves the statement unset when it ran a prepared one, and Django's query
                # log (what the query-count tests read) would show None: it shows the SQL instead.
                self._query = _Ran(query.encode() if isinstance(query, str) else query)
            return done

    return Preparing


@dataclass(frozen=True)
class _Ran:
    query: bytes
