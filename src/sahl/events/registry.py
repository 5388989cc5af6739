"""Who listens to which event: subscribers register here from their app's `receivers.py`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sahl.events.types import DomainEvent

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    at_once: bool


_SUBSCRIBERS: dict[str, list[Subscriber]] = defaultdict(list)


def listen(
    *kinds: type[DomainEvent], at_once: bool = False
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Subscribe the decorated function to these event types."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        name = f"{handler.__module__}.{handler.__qualname__}"
        for kind in kinds:
            if any(s.name == name for s in _SUBSCRIBERS[kind.type]):
                continue  # a module imported twice registers once
            _SUBSCRIBERS[kind.type].append(Subscriber(name, handler, at_once))
        return handler

    return register


def subscribers(type_name: str) -> list[Subscriber]:
    return list(_SUBSCRIBERS.get(type_name, ()))
