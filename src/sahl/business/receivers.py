"""What Sahl Business listens to: a paid basket of a company's statements marks them paid."""

from __future__ import annotations

from sahl.business import contributions
from sahl.events.registry import listen
from sahl.events.types import DuesPaid


@listen(DuesPaid)
def dues_paid(event: DuesPaid) -> None:
    statements = [r for r in event.references if r.startswith("statement:")]
    if statements:
        contributions.settle(event.intent_id, statements, event.paid_on)
