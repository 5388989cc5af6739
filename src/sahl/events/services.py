"""The event backbone: announce an event in the transaction of the change, and let every app that
cares listen, without the announcing app knowing who does.

- `announce(event)` writes the event, one handling row per subscriber, and the task that runs them
  (one per priority, ADR 0073), in the caller's transaction (the outbox: they commit or roll back
  with the change).
  `announce_all(events)` does it for several at once, whatever their number, in one statement on
  PostgreSQL (ADR 0070; three elsewhere): a submission's steps are announced together (ADR 0047).
- `@listen(EventClass)` in a listening app's `receivers.py`, imported by its `AppConfig.ready`,
  subscribes a function. It runs after commit from the task queue, once per event: the handling
  row is locked, the function runs, and the row is marked done in the same transaction, so what
  the function writes and "done" commit together. A function that raises is retried with backoff
  and never holds up the other subscribers.
- `@listen(EventClass, at_once=True)` runs inside the announcing transaction instead: for what must
  commit with the change (a replaced credential revoked in the commit that issues its successor, a
  read model). It must not call outside systems (they refuse to run inside a transaction).
  With `together=True` it is called once per `announce_all` with the list of its events."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from sahl.core import one_statement, outside, queue
from sahl.core.errors import NotFound
from sahl.events import tasks
from sahl.events.models import Event, Handling
from sahl.events.registry import Subscriber, subscribers
from sahl.events.types import DomainEvent

log = logging.getLogger("sahl.events")
State = Handling.State


def announce(event: DomainEvent) -> Event:
    """Write the event and its handlings. Call it inside the transaction of the change."""
    return announce_all([event])[0]


def announce_all(events: list[DomainEvent]) -> list[Event]:
    """Write these events with their handlings and tasks, in one statement on PostgreSQL whatever
    their number (`tasks.write`). At-once subscribers run first, in the events' order: once per
    event, or once with the list of their events (`together`); they are given the events, not
    their rows. Call it inside the transaction of the change."""
    if not outside.in_transaction():
        raise RuntimeError("announce() belongs inside the transaction of the change it announces")
    rows = [
        Event(type=e.type, version=e.version, subject=e.subject[:80], payload=e.payload()) for e in events
    ]
    handlings: list[Handling] = []
    together: dict[str, tuple[Subscriber, list[DomainEvent]]] = {}
    # The read models' upserts the at-once listeners make are written with the events (ADR 0070).
    with one_statement.joining() as joined:
        for event, row in zip(events, rows, strict=True):
            for subscriber in subscribers(event.type):
                if subscriber.together:
                    together.setdefault(subscriber.name, (subscriber, []))[1].append(event)
                elif subscriber.at_once:
                    subscriber.handler(event)
                elif subscriber.takes(event):
                    handlings.append(Handling(event=row, subscriber=subscriber.name))
        for subscriber, theirs in together.values():
            subscriber.handler(theirs)
    tasks.write(rows, handlings, joined)
    return rows


def sweep(limit: int = 500) -> int:
    """Queue handlings that are due and have no task waiting (their task was lost: a queue emptied
    by hand, a crash between commit and pick-up). Never a second task for one that has one."""
    now = timezone.now()
    due = list(
        Handling.objects.filter(state__in=(State.PENDING, State.FAILING))
        .exclude(next_attempt_at__gt=now)
        .select_related("event")  # its type gives the task's priority
        .order_by("pk")[:limit]
    )
    return queue.requeue_lost(due, tasks.enqueue)


# --- Operators --------------------------------------------------------------------------------


def troubled(limit: int = 200) -> list[Handling]:
    """Handlings that keep failing or gave up, newest first (the operators' list)."""
    return list(
        Handling.objects.filter(state__in=(State.FAILING, State.GAVE_UP))
        .select_related("event")
        .order_by("-updated_at", "-pk")[:limit]
    )


def retry(handling_id: int) -> Handling:
    """An operator fixed the cause: run the subscriber again now, with a fresh count of attempts."""
    with transaction.atomic():
        handling = (
            Handling.objects.select_for_update()
            .filter(pk=handling_id, state__in=(State.FAILING, State.GAVE_UP))
            .first()
        )
        if handling is None:
            raise NotFound("page.not_found")
        handling.state, handling.attempts, handling.next_attempt_at = State.PENDING, 0, None
        handling.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        tasks.enqueue(handling)
    log.info("event handling retried by an operator", extra={"handling": handling.pk})
    return handling
