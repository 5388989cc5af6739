"""Hot reads whose SQL Django compiles once per process and database (ADR 0062).

Django builds and compiles a queryset's SQL on every call: 120 to 250 µs for each of a page's hot
reads, as long as PostgreSQL takes to answer them. A `CompiledRead` is written as an ordinary
`values_list` queryset with markers where a call's values go. The first call compiles it; every
later call runs the same SQL with its own values in the markers' places, and converts the rows as
Django would (dates on SQLite, JSON everywhere).

Only for reads of one fixed shape: each marker must stand for one whole parameter (an `=` or a
`<`, not part of a LIKE), and anything inlined in the SQL (a LIMIT) is part of the shape.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet


class CompiledRead:
    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any, Any]], slots: int) -> None:
        """`build(*markers)` returns the `values_list` queryset, with `markers[i]` where the i-th
        value of a call goes."""
        self.model, self.build, self.slots = model, build, slots
        self._local = threading.local()  # a compiler belongs to its thread's connection

    def rows(self, *values: object) -> list[tuple[Any, ...]]:
        if len(values) != self.slots:
            raise TypeError(f"{self.slots} values expected, {len(values)} given")
        alias = router.db_for_read(self.model)
        compiled = getattr(self._local, alias, None)
        if compiled is None:
            compiled = _Compiled(self.build, self.slots, alias)
            setattr(self._local, alias, compiled)
        return compiled.run(values)


class _Compiled:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], slots: int, alias: str) -> None:
        markers = [f"\x1esahl-compiled-{i}\x1e" for i in range(slots)]
        query = build(*markers).query
        self.compiler = query.get_compiler(alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.places: list[int] = []
        for marker in markers:
            found = [i for i, p in enumerate(self.params) if p == marker]
            if len(found) != 1 or marker in self.sql:
                raise ValueError(f"a marker must stand for exactly one parameter: {self.sql}")
            self.places.append(found[0])
        self.alias = alias

    def run(self, values: Sequence[object]) -> list[tuple[Any, ...]]:
        params = list(self.params)
        for place, value in zip(self.places, values, strict=True):
            params[place] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return list(self.compiler.results_iter(results=[fetched], tuple_expected=True))
