"""What journeys listen to: births and marriages entered in the registers (a journey starts), and
the steps of applications filed for a journey's step (the step follows)."""

from __future__ import annotations

from sahl.events.registry import listen
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
    BirthRecorded,
    MarriageRecorded,
)
from sahl.journeys import followed, services


@listen(BirthRecorded)
def birth_recorded(event: BirthRecorded) -> None:
    services.start_from_birth(event.record)


@listen(MarriageRecorded)
def marriage_recorded(event: MarriageRecorded) -> None:
    services.start_from_marriage(event.record)


@listen(
    ApplicationSubmitted,
    ApplicationMoved,
    ApplicationDecided,
    ApplicationCompleted,
    when=lambda event: followed.follows(event.service_id),
)
def application_moved(event: ApplicationEvent) -> None:
    services.application_moved(event.application_id)
