"""Where a scale load keeps its progress, in two small tables of its own, so that running the
same command again continues where it stopped.

`seed_scale_progress` has one row per phase: the plan (the numbers asked, the seed, the moment
the country is generated for, the first id of every loaded table, the shared password hash,
the batch sizes), then `people`, `applications` and `journeys` with the units done so far (a batch depends
only on its number, so that is all a resumed load needs). A batch's rows and its progress row are committed in one transaction, so what the
ledger says is done is exactly what is in the tables.

`seed_scale_dropped` holds the definitions of the indexes and constraints taken off the big
tables while they load, until they are built again: a load that dies half-way still knows
what to rebuild.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

PROGRESS = "seed_scale_progress"
DROPPED = "seed_scale_dropped"

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {PROGRESS} (
        phase varchar(20) PRIMARY KEY,
        done bigint NOT NULL DEFAULT 0,
        target bigint NOT NULL,
        state jsonb NOT NULL DEFAULT '{{}}',
        finished_at timestamptz
    )""",
    f"""CREATE TABLE IF NOT EXISTS {DROPPED} (
        name text PRIMARY KEY,
        table_name text NOT NULL,
        phase varchar(20) NOT NULL,
        position integer NOT NULL,
        ddl text NOT NULL
    )""",
)

# Run by the writer in each batch's transaction.
ADVANCE = f"UPDATE {PROGRESS} SET done = %s, state = %s::jsonb WHERE phase = %s"  # noqa: S608


@dataclass
class Phase:
    name: str
    done: int
    target: int
    state: dict[str, Any]
    finished: bool


def create(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in SCHEMA:
            cursor.execute(statement)


def read(connection: BaseDatabaseWrapper, name: str) -> Phase | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT done, target, state, finished_at IS NOT NULL FROM {PROGRESS} WHERE phase = %s",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    state = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return Phase(name, row[0], row[1], state, row[3])


def start(connection: BaseDatabaseWrapper, name: str, target: int, state: dict[str, Any]) -> Phase:
    """The phase as recorded, created (with `state`) the first time."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PROGRESS} (phase, target, state) VALUES (%s, %s, %s::jsonb) "  # noqa: S608
            "ON CONFLICT (phase) DO NOTHING",
            [name, target, json.dumps(state)],
        )
    found = read(connection, name)
    assert found is not None
    return found


def finish(connection: BaseDatabaseWrapper, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PROGRESS} SET finished_at = now() WHERE phase = %s",  # noqa: S608
            [name],
        )
