"""What applications keeps from the events: the cards of "my applications" (ADR 0042), written in
the transaction of each step (at once), so the list's next read shows it."""

from __future__ import annotations

from sahl.applications import cards
from sahl.events.registry import listen
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
)


@listen(ApplicationSubmitted, ApplicationMoved, ApplicationDecided, ApplicationCompleted, at_once=True)
def keep_cards(event: ApplicationEvent) -> None:
    cards.keep(event.application_id)
