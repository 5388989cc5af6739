"""Who listens to which event: subscribers register here from their app's `receivers.py`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sahl.events.types import DomainEvent

Handler = Callable[[Any], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    at_once: bool
    # An at-once subscriber that takes the list of its events announced together (one call per
    # `announce_all`, e.g. one write of a read model for a submission's two steps).
    together: bool = False
    # A task subscriber's place in the queue (django-tasks, -100 to 100; higher runs first): what a
    # person waits for on screen (their document's PDF) before what only arrives (a message).
    priority: int = 0
    # Which of its events a task subscriber acts on, told from the event alone: for the others no
    # handling and no task is written (a refund only when a case ends without its service).
    when: Callable[[Any], bool] | None = None

    def takes(self, event: DomainEvent) -> bool:
        return self.when is None or self.when(event)


_SUBSCRIBERS: dict[str, list[Subscriber]] = defaultdict(list)


def listen(
    *kinds: type[DomainEvent],
    at_once: bool = False,
    together: bool = False,
    priority: int = 0,
    when: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Subscribe the decorated function to these event types. `together` (at once only): the
    function takes a list, the events of these types that one `announce_all` wrote, in order.
    `priority` (tasks only): its tasks run before those of lower priority waiting in the queue.
    `when` (tasks only): the events it acts on, told from the event alone; the others are not
    queued for it at all (a task that would return at once costs a handling, a task and a run)."""
    if together and not at_once:
        raise ValueError("together=True is for at-once subscribers (a task handles one event)")
    if (priority or when) and at_once:
        raise ValueError("priority and when are for task subscribers (at-once ones run in the change)")

    def register(handler: Callable[[Any], None]) -> Callable[[Any], None]:
        name = f"{handler.__module__}.{handler.__qualname__}"
        for kind in kinds:
            if any(s.name == name for s in _SUBSCRIBERS[kind.type]):
                continue  # a module imported twice registers once
            _SUBSCRIBERS[kind.type].append(Subscriber(name, handler, at_once, together, priority, when))
        return handler

    return register


def subscribers(type_name: str) -> list[Subscriber]:
    return list(_SUBSCRIBERS.get(type_name, ()))


def priority_of(type_name: str, subscriber: str) -> int:
    """The queue priority of a subscriber's tasks (0 for one no longer registered)."""
    return next((s.priority for s in _SUBSCRIBERS.get(type_name, ()) if s.name == subscriber), 0)
