"""What the back office keeps from the events: the queue's rows (ADR 0046), written in the
transaction of each change the queue shows (at once), so that its next read has it."""

from __future__ import annotations

from sahl.backoffice import queue
from sahl.events.registry import listen
from sahl.events.types import APPLICATION_STEPS, ApplicationAssigned, ApplicationEvent


@listen(*APPLICATION_STEPS, ApplicationAssigned, at_once=True)
def keep_queue(event: ApplicationEvent) -> None:
    if event.from_state in queue.WORKABLE or event.to_state in queue.WORKABLE:
        queue.keep(event.application_id, event.to_state)
    # Steps outside the queue (a draft filed, a fee awaited, an automatic decision) write nothing.
