"""Payments listen to applications: one that ends without its service gives a paid fee back."""

from __future__ import annotations

from sahl.applications.moving import ENDED_WITHOUT_SERVICE
from sahl.events.registry import listen
from sahl.events.types import ApplicationDecided, ApplicationEvent, ApplicationMoved
from sahl.payments import services


@listen(ApplicationDecided, ApplicationMoved, when=lambda event: event.to_state in ENDED_WITHOUT_SERVICE)
def refund_when_ended(event: ApplicationEvent) -> None:
    services.refund_if_paid(event.application_id)
