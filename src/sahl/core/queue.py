"""The task queue as the outbox sees it: enqueue (in the caller's transaction, so the task commits
or rolls back with the change) and tell which queued tasks are still waiting to run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus


def enqueue(task: Any, *args: Any, at: dt.datetime | None = None) -> str:
    """Queue `task(*args)` now or at `at`; the id of the queued task."""
    if at is not None and at > timezone.now():
        return str(task.using(run_after=at).enqueue(*args).id)
    return str(task.enqueue(*args).id)


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
