"""Running one subscriber on one event, once: the handlings an announcement writes are run by one
task for each priority, queued with the events; a retry runs one handling by a task of its own."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from sahl.core import queue
from sahl.core.one_statement import Joined, insert_together
from sahl.events import rules
from sahl.events.models import Event, Handling
from sahl.events.registry import priority_of, subscribers
from sahl.events.types import rebuild

log = logging.getLogger("sahl.events")
State = Handling.State


def enqueue(handling: Handling, at: dt.datetime | None = None) -> None:
    """Queue one handling's task again (a retry, a task lost) and name it on the row."""
    handling.task_id = queue.enqueue(_handle_for(handling), *_arguments(handling), at=at)
    Handling.objects.filter(pk=handling.pk).update(task_id=handling.task_id)


def write(events: list[Event], handlings: list[Handling], joined: Sequence[Joined] = ()) -> None:
    """Write new events with their handlings, the tasks that run them, and the statements the
    at-once listeners joined (`core.one_statement`): one statement on PostgreSQL, one per table and
    listener elsewhere, whatever their number. The handlings of one priority share one task
    (`handle_events`, up to `TOGETHER` each): the worker claims one task for a submission's
    listeners, not one each (ADR 0073). A task names its handlings by their event's id and their
    subscriber, both known before anything is written."""
    by_priority: dict[int, list[Handling]] = {}
    for handling in handlings:
        by_priority.setdefault(_priority(handling), []).append(handling)
    batches = [
        (priority, theirs[start : start + TOGETHER])
        for priority, theirs in by_priority.items()
        for start in range(0, len(theirs), TOGETHER)
    ]
    queued = []
    for (priority, batch), task_id in zip(batches, queue.new_ids(len(batches)), strict=True):
        for handling in batch:
            handling.task_id = task_id
        task = handle_events.using(priority=priority) if priority else handle_events
        queued.append(queue.rows_for(task, [([list(_arguments(h)) for h in batch],)], [task_id]))
    insert_together(events, handlings, *queued, joined=joined)
    for rows in queued:
        queue.enqueued(rows)


# Handlings run by one task at most: a large announcement (a company's hundreds of renewals) is
# still shared among the workers there are.
TOGETHER = 50


def _arguments(handling: Handling) -> tuple[str, str]:
    return str(handling.event_id), handling.subscriber


def _priority(handling: Handling) -> int:
    return priority_of(handling.event.type, handling.subscriber)


def _handle_for(handling: Handling) -> Any:
    priority = _priority(handling)
    return handle_event.using(priority=priority) if priority else handle_event


@task()
def handle_event(event_id: str, subscriber: str) -> str:
    """Run one subscriber on one event, once. Returns what happened (for logs and tests)."""
    return _run(Handling.objects.filter(event_id=event_id, subscriber=subscriber))


@task()
def handle_events(handlings: list[list[str]]) -> str:
    """Run the handlings one announcement queued together (`write`), one after the other, each in a
    transaction of its own as `handle_event` runs one: one that fails is retried alone, by a task of
    its own, and the others go on. Returns what happened to each (for logs and tests)."""
    return " ".join(_run(Handling.objects.filter(event_id=e, subscriber=s)) for e, s in handlings)


@task()
def handle(handling_id: int) -> str:
    """The same, for a task queued by its handling's id (before ADR 0070): such tasks may still
    wait in a queue when a new version starts."""
    return run(handling_id)


def run(handling_id: int) -> str:
    return _run(Handling.objects.filter(pk=handling_id))


def _run(found: QuerySet[Handling]) -> str:
    now = timezone.now()
    with transaction.atomic():
        handling = found.select_for_update().select_related("event").first()
        if handling is None:
            return "missing"
        if handling.state in (State.DONE, State.GAVE_UP):
            return str(handling.state)
        if handling.next_attempt_at and handling.next_attempt_at > now:
            return "not yet"
        subscriber = next(
            (s for s in subscribers(handling.event.type) if s.name == handling.subscriber), None
        )
        if subscriber is None:
            return "no such subscriber"  # renamed or removed since: left for an operator to see
        handling.attempts += 1
        try:
            with transaction.atomic():
                event = rebuild(handling.event.type, handling.event.payload)
                if subscriber.takes(event):  # one queued before its `when` was given is not run
                    subscriber.handler(event)
        except Exception as error:
            return _failed(handling, error, now)
        handling.state, handling.handled_at, handling.last_error = State.DONE, now, ""
        handling.save(update_fields=["state", "handled_at", "attempts", "last_error", "updated_at"])
    return "done"


def _failed(handling: Handling, error: Exception, now: dt.datetime) -> str:
    """Record the failure (the listener's own writes were rolled back with its savepoint)."""
    handling.last_error = type(error).__name__[:120]
    if rules.gives_up(handling.attempts):
        handling.state, handling.next_attempt_at = State.GAVE_UP, None
    else:
        handling.state = State.FAILING
        handling.next_attempt_at = now + rules.retry_delay(handling.attempts)
        enqueue(handling, handling.next_attempt_at)
    handling.save(update_fields=["state", "attempts", "last_error", "next_attempt_at", "updated_at"])
    # The exception's class only: its text may quote personal data (a civil ID in an SQL error).
    log.warning(
        "event subscriber failed",
        extra={
            "handling": handling.pk,
            "subscriber": handling.subscriber,
            "error": handling.last_error,
            "attempts": handling.attempts,
        },
    )
    return str(handling.state)
