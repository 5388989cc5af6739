"""Structured logs: one JSON object per line, carrying the id of the request being served.

Messages and fields must never carry personal data (civil IDs, names, form answers): log ids of
records and outcomes only. A database's own error text quotes the values it refused (PostgreSQL's
`DETAIL: Key (civil_id)=(...)`, `invalid input syntax ...: "<value>"`, the failing SQL line;
SQLite's `JSON path error near '...'`), so wherever such an error reaches a log line (a traceback
of Django's request logger or the task worker, a `logger.exception`, an exception passed as the
message or an argument) it is written as its class and error code only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sqlite3
import traceback
from types import TracebackType

from django.db import Error as DjangoDatabaseError

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# `request` (added by Django) would print the query string, which may hold personal data.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "request_id", "request"}
# Django's query log (django.db.backends, debug only) adds the SQL and its parameters: form answers.
_QUERY_FIELDS = {"sql", "params"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _message(record),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        entry.update(
            {
                k: without_database_text(v) if isinstance(v, BaseException) else v
                for k, v in record.__dict__.items()
                if k not in _STANDARD and k not in _QUERY_FIELDS
            }
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None],
    ) -> str:
        return traceback_without_database_text(ei[1]) if ei[1] is not None else ""


def is_database_error(error: BaseException) -> bool:
    """Django's database errors and the drivers' own (which Django's wrap as their cause)."""
    driver = type(error).__module__.partition(".")[0]
    return isinstance(error, DjangoDatabaseError | sqlite3.Error) or driver in ("psycopg", "psycopg2")


def without_database_text(error: BaseException) -> str:
    """`module.Class: message`, the message withheld for a database error: its class, its SQLSTATE
    or SQLite error name, and the constraint, table and column it names (no values)."""
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    if not is_database_error(error):
        return "".join(traceback.format_exception_only(type(error), error)).rstrip("\n")
    known = [f"{key}={value}" for key, value in _database_facts(error).items() if value]
    return f"{name}: [the database's text is not logged]" + (f" ({', '.join(known)})" if known else "")


def traceback_without_database_text(error: BaseException) -> str:
    """The traceback Python prints for `error` and its causes, database errors' text withheld."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for exc, led_to_next in reversed(chain):
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
        parts.append(without_database_text(exc) + "\n")
        if led_to_next:
            parts.append(led_to_next)
    return "".join(parts).rstrip("\n")


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _database_facts(error: BaseException) -> dict[str, object]:
    """What identifies the error without quoting data: psycopg's diagnostics, sqlite3's name."""
    facts: dict[str, object] = {"sqlite": getattr(error, "sqlite_errorname", None)}
    diag = getattr(error, "diag", None)
    if diag is not None:
        facts |= {
            "sqlstate": getattr(diag, "sqlstate", None),
            "constraint": getattr(diag, "constraint_name", None),
            "table": getattr(diag, "table_name", None),
            "column": getattr(diag, "column_name", None),
        }
    return facts


def _message(record: logging.LogRecord) -> str:
    """The record's message, with any database error given as its message or an argument reduced
    to its class (`logger.exception(error)`, `logger.error("failed: %s", error)`)."""
    msg, args = record.msg, record.args
    if isinstance(msg, BaseException) and is_database_error(msg):
        msg = without_database_text(msg)
    if isinstance(args, tuple) and any(isinstance(a, BaseException) and is_database_error(a) for a in args):
        args = tuple(
            without_database_text(a) if isinstance(a, BaseException) and is_database_error(a) else a
            for a in args
        )
    if msg is record.msg and args is record.args:
        return record.getMessage()
    return str(msg) % args if args else str(msg)
