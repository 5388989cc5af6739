"""What applications keeps from the events: the cards of "my applications" (ADR 0042), written in
the transaction of each step (at once), so the list's next read shows it."""

from __future__ import annotations

from sahl.applications import cards
from sahl.events.registry import listen
from sahl.events.types import APPLICATION_STEPS, ApplicationEvent


@listen(*APPLICATION_STEPS, at_once=True, together=True)
def keep_cards(events: list[ApplicationEvent]) -> None:
    """A card is written as the application is now: once per application for the steps announced
    together (a submission's two steps are one upsert, ADR 0047)."""
    for application_id in dict.fromkeys(e.application_id for e in events):
        cards.keep(application_id)
