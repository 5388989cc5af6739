"""The writer: batches go to PostgreSQL with COPY on a connection of its own, in a thread, while
the generator makes the next batch (psycopg waits on the socket without holding the GIL, so the
two overlap). Each batch is one transaction: its rows in every table and its progress row."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from sahl.demo.scale import ledger
from sahl.demo.scale.meter import Meter


@dataclass
class Batch:
    phase: str
    units: int  # people or applications in the batch
    done: int  # units done once it is committed
    state: dict[str, Any]  # kept in the ledger with it: the number of the next batch
    tables: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # table: (columns, rows)
    encoded: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # the same, packed
    # Statements run after the COPYs in the same transaction (SQL, parameters): a few rows changed.
    after: list[tuple[str, list[Any]]] = field(default_factory=list)

    def rows(self, table: str, columns: str) -> list[str]:
        return self.tables.setdefault(table, (columns, []))[1]

    def packed(self) -> Batch:
        """The same batch with each table's rows in one UTF-8 text: quicker to send between processes
        (a copy of bytes each way) and to write (nothing left to encode)."""
        self.encoded = {
            table: (columns, "".join(rows).encode()) for table, (columns, rows) in self.tables.items()
        }
        self.tables = {}
        return self


def copy_rows(cursor: Any, table: str, columns: str, rows: list[str] | bytes) -> None:
    """COPY text rows (each ending with a newline, or all in one UTF-8 text) into `table`."""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        if isinstance(rows, bytes):
            copy.write(rows)
            return
        for start in range(0, len(rows), 4096):
            copy.write("".join(rows[start : start + 4096]))


def commit(raw: Any, batch: Batch) -> None:
    with raw.transaction(), raw.cursor() as cursor:
        for table, (columns, rows) in batch.tables.items():
            if rows:
                copy_rows(cursor, table, columns, rows)
        for table, (columns, data) in batch.encoded.items():
            if data:
                copy_rows(cursor, table, columns, data)
        for statement, parameters in batch.after:
            cursor.execute(statement, parameters)
        cursor.execute(ledger.ADVANCE, [batch.done, json.dumps(batch.state), batch.phase])


class Writer:
    """Commits batches in the order they are given; `close` waits for the last one."""

    def __init__(self, connection: BaseDatabaseWrapper, meter: Meter) -> None:
        self.meter = meter
        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = True
        with self.raw.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")  # a lost commit is a batch to redo
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-scale-writer", daemon=True)
        self.thread.start()

    def put(self, batch: Batch) -> None:
        while True:
            self._raise()
            try:
                self.queue.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Wait for the batches given so far, then raise what went wrong in the writer, if anything."""
        if self.thread.is_alive():
            while True:
                try:
                    self.queue.put(None, timeout=0.5)
                    break
                except queue.Full:
                    if not self.thread.is_alive():
                        break
            self.thread.join()
        self.raw.close()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                commit(self.raw, batch)
                self.meter.advance(batch.units)
        except BaseException as error:  # given to the generating thread at its next put or close
            self.error = error
            while True:  # let the generator go on to its put, which raises
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    break
