"""Logs never carry personal data, even when something fails (issue 16, point 3).

A real database error whose text quotes a civil ID (PostgreSQL: a unique key's DETAIL and a cast's
"invalid input"; SQLite: a JSON path error) goes through every way it can reach a log: Django's
request logger with its traceback (a page and the API), the 400 the database's refusal becomes,
the task worker's failure log and the traceback it keeps in its table. The lines are read as
core.logs.JsonFormatter writes them, tracebacks included: the civil ID is in none of them, while the
error's class still is.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django_tasks import task

from sahl.core.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def fail_quoting(civil_id: str) -> None:
    """A statement the database refuses with the civil ID in its own error text."""
    with transaction.atomic(), connection.cursor() as cursor:  # as a use case runs: a savepoint here
        if connection.vendor == "postgresql":
            cursor.execute("SELECT CAST(%s AS integer)", [f"{civil_id}x"])  # invalid input syntax ...
        else:
            cursor.execute("SELECT json_extract('{}', %s)", [civil_id])  # JSON path error near ...


def fail_on_unique_key(civil_id: str) -> None:
    """A second account for a civil ID: PostgreSQL says `Key (civil_id)=(...) already exists`."""
    from sahl.identity.models import User

    with transaction.atomic():
        User.objects.create(civil_id=civil_id)


@task()
def failing_task(civil_id: str) -> None:
    fail_on_unique_key(civil_id)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line as the deployment writes it (the JSON formatter on the root logger)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _database_error_text(civil_id: str, fail) -> str:
    """What the database itself says (so the test knows the civil ID is really in it)."""
    try:
        fail(civil_id)
    except Exception as error:
        return f"{error} {error.__cause__}"
    raise AssertionError("the statement did not fail")


def test_a_database_error_quoting_a_civil_id_never_reaches_the_log(demo, log_lines, monkeypatch):
    civil_id = demo["father"]
    failures = [fail_quoting] + ([fail_on_unique_key] if connection.vendor == "postgresql" else [])
    for fail in failures:
        assert civil_id in _database_error_text(civil_id, fail)  # the database quotes it
        monkeypatch.setattr(
            "sahl.catalogue.services.search", lambda query, *_, fail=fail, **__: fail(civil_id)
        )
        client = Client(raise_request_exception=False)
        assert client.get("/search", {"q": "passport"}).status_code >= 400
        assert client.get("/api/v1/search", {"q": "passport"}).status_code >= 400
    written = log_lines.getvalue()
    assert "Traceback (most recent call last)" in written  # the tracebacks are there...
    assert "django.db.utils." in written  # ...naming the database's error
    assert civil_id not in written  # ...but not what it quoted


def test_a_refusal_by_the_database_is_a_400_logged_without_its_text(demo, log_lines, monkeypatch):
    civil_id = demo["father"]

    def refused(query: str, *_: object, **__: object) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # DataError: value out of range
                cursor.execute("SELECT CAST(%s AS bigint)", [civil_id * 2])
            else:  # OverflowError: Python int too large to convert to SQLite INTEGER
                cursor.execute("SELECT %s", [int(civil_id * 2)])

    monkeypatch.setattr("sahl.catalogue.services.search", refused)
    page = Client().get("/search", {"q": "passport"}, headers={"accept-language": "en"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    api = Client().get("/api/v1/search", {"q": "passport"})
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    written = log_lines.getvalue()
    assert "request refused by the database" in written
    assert civil_id not in written


def test_a_failed_task_keeps_and_logs_no_database_text(demo, log_lines):
    from django_tasks_db.models import DBTaskResult

    civil_id = demo["father"]
    result = failing_task.enqueue(civil_id)
    # The worker closes "old" connections between tasks; here that would close the test's own.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=1)
    kept = DBTaskResult.objects.get(id=result.id)
    assert kept.status == "FAILED"
    assert "IntegrityError" in kept.traceback and civil_id not in kept.traceback
    written = log_lines.getvalue()
    assert "IntegrityError" in written and civil_id not in written
