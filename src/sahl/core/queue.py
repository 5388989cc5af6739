"""The task queue as the outbox sees it: enqueue (in the caller's transaction, so the task commits
or rolls back with the change) and tell which queued tasks are still waiting to run."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResult, TaskResultStatus

from sahl.core.logs import is_database_error, traceback_without_database_text


def enqueue(task: Any, *args: Any, at: dt.datetime | None = None) -> str:
    """Queue `task(*args)` now or at `at`; the id of the queued task."""
    if at is not None and at > timezone.now():
        return str(task.using(run_after=at).enqueue(*args).id)
    return str(task.enqueue(*args).id)


def new_ids(count: int) -> list[str]:
    """Ids for tasks queued later by `enqueue_many`, so rows that name their task (an event's
    handling) are written with it rather than updated after."""
    from django_tasks_db.models import DBTaskResult

    make = DBTaskResult._meta.pk.default  # the id the backend gives a task (uuid4)
    return [str(make()) for _ in range(count)]


def rows_for(task: Any, args: list[tuple[Any, ...]], ids: list[str]) -> list[Any]:
    """The rows `enqueue` would write for `task(*a)`, each `a` in `args`, under the given `ids`
    (from `new_ids`): same columns, priority, queue and run time, for the database backend the
    worker reads. The caller writes them with its change (`core.one_statement`), then calls
    `enqueued`."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):  # the outbox: a task commits with its change
        raise TypeError(f"tasks are queued in the database, not with {type(backend).__name__}")
    backend.validate_task(task)
    return [
        DBTaskResult(
            id=task_id,
            args_kwargs=normalize_json({"args": list(one), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),  # as the model's pre_save sets it
            backend_name=backend.alias,
        )
        for one, task_id in zip(args, ids, strict=True)
    ]


def enqueued(rows: list[Any]) -> None:
    """The `task_enqueued` signal `enqueue` sends, for rows from `rows_for` once written."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_enqueued

    for row in rows:
        task_enqueued.send(DatabaseBackend, task_result=row.task_result)


def waiting(task_ids: Iterable[str]) -> set[str]:
    """Which of these tasks are queued and not started (a sweep must not queue them again)."""
    from django_tasks_db.models import DBTaskResult

    ids = [i for i in task_ids if i]
    if not ids:
        return set()
    found = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.READY).values_list(
        "id", flat=True
    )
    return {str(i) for i in found}


class Queued(Protocol):
    task_id: str


Q = TypeVar("Q", bound=Queued)


def requeue_lost(due: list[Q], enqueue: Callable[[Q], None]) -> int:
    """Queue again, each in a transaction of its own, the rows whose task is no longer waiting (a
    queue emptied by hand, a crash between commit and pick-up); never a second task for a row whose
    task still waits. How many were queued."""
    alive = waiting(row.task_id for row in due)
    lost = [row for row in due if row.task_id not in alive]
    for row in lost:
        with transaction.atomic():
            enqueue(row)
    return len(lost)


def withhold_database_text(sender: object, task_result: TaskResult[Any], **kwargs: object) -> None:
    """On `task_finished`: the worker keeps a failed task's traceback in its table, where an
    operator reads it; a database error's text there would quote the values it refused (a civil
    ID), so it is kept as the logs keep it. The worker sends the signal inside its `except`."""
    from django_tasks_db.models import DBTaskResult

    error = sys.exc_info()[1]
    if task_result.status != TaskResultStatus.FAILED or error is None:
        return
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__
    if any(is_database_error(e) for e in chain):
        DBTaskResult.objects.filter(id=task_result.id).update(
            traceback=traceback_without_database_text(chain[0])
        )
