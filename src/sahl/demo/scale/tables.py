"""The big tables while they load: most of their indexes and constraints are taken off (see
below), their definitions kept in the ledger, read from PostgreSQL's catalogue so that they come
back exactly as the migrations made them, and built again once the rows are in. Id ranges are
reserved in the tables' sequences so that nothing else takes them meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from django.db.backends.base.base import BaseDatabaseWrapper

from sahl.demo.scale.ledger import DROPPED
from sahl.demo.scale.meter import clock

# What goes: indexes and unique constraints, except those whose first column grows with the load
# (the rows come in that order, so keeping them up costs little: every insert lands at the right
# end of the index, while building them again would sort the whole table); foreign keys (a check
# per row, while one join checks them all at the end). Primary keys stay. They come back indexes
# and unique constraints first, foreign keys last (their check wants the indexes there).
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), a.attname
FROM pg_index i LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
ORDER BY 1
"""
_CONSTRAINTS = """
SELECT c.conname, pg_get_constraintdef(c.oid), a.attname
FROM pg_constraint c LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid
                  AND c.contype = 'u')
ORDER BY c.conname
"""


def strip(connection: BaseDatabaseWrapper, phase: str, tables: Mapping[str, frozenset[str]]) -> int:
    """Drop the indexes and constraints of the tables (a mapping of each to the columns that grow
    with the load), keeping their definitions; once per phase (a resumed load finds them kept).
    In one transaction. Returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DROPPED} WHERE phase = %s", [phase])  # noqa: S608
        if cursor.fetchone()[0]:
            return 0
        dropped: list[tuple[str, str, str, str]] = []  # name, table, ddl, drop
        for table, growing in tables.items():
            cursor.execute(_INDEXES, [table])
            for name, ddl, first in cursor.fetchall():
                if first not in growing:
                    dropped.append((name, table, ddl, f'DROP INDEX "{name}"'))
            cursor.execute(_CONSTRAINTS, [table])
            for name, definition, first in cursor.fetchall():
                if first in growing and not definition.startswith("FOREIGN KEY"):
                    continue
                ddl = f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                dropped.append((name, table, ddl, f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        order = sorted(range(len(dropped)), key=lambda i: (" FOREIGN KEY " in dropped[i][2], i))
        for position, index in enumerate(order):
            name, table, ddl, drop = dropped[index]
            cursor.execute(
                f"INSERT INTO {DROPPED} (name, table_name, phase, position, ddl) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [name, table, phase, position, ddl],
            )
            cursor.execute(drop)
    return len(dropped)


def restore(connection: BaseDatabaseWrapper, phase: str, say: Callable[[str], None]) -> int:
    """Build again what `strip` took off, one statement (and one commit) at a time, so that a
    restore that stops half-way continues with the next one. Returns how many were built."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, table_name, ddl FROM {DROPPED} WHERE phase = %s ORDER BY position",  # noqa: S608
            [phase],
        )
        pending = cursor.fetchall()
        if not pending:
            return 0
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")  # foreign keys are checked with a join
        started = time.monotonic()
        for number, (name, table, ddl) in enumerate(pending, 1):
            moment = time.monotonic()
            if not _exists(cursor, name, table):
                cursor.execute(ddl)
            cursor.execute(f"DELETE FROM {DROPPED} WHERE name = %s", [name])  # noqa: S608
            took = time.monotonic() - moment
            if took >= 5:
                say(f"  {number}/{len(pending)} {name}: {clock(took)}")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET work_mem")
    say(f"{phase}: {len(pending)} indexes and constraints built again in {clock(time.monotonic() - started)}")
    return len(pending)


def _exists(cursor: object, name: str, table: str) -> bool:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT to_regclass(%s) IS NOT NULL OR EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass)",
        [f'"{name}"', name, table],
    )
    return bool(cursor.fetchone()[0])  # type: ignore[attr-defined]


def reserve(connection: BaseDatabaseWrapper, table: str, count: int) -> int:
    """The first of `count` ids nobody else will be given: the sequence moves past them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last, called = cursor.fetchone()
        first = max(highest, last if called else last - 1) + 1
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return int(first)


def settle(connection: BaseDatabaseWrapper, table: str) -> None:
    """After the load: the sequence continues right after the highest id in the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "  # noqa: S608
            f"FROM {table}"
        )
