"""Integrations listen to applications: one of its lane that reaches an agency with a connected
system is delivered to it (`services.send_to_agency` decides both)."""

from __future__ import annotations

from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import State
from sahl.events.registry import listen
from sahl.events.types import ApplicationMoved
from sahl.integrations import services


def _went_to_the_agency(event: ApplicationMoved) -> bool:
    return event.to_state == State.IN_REVIEW and event.kind == HistoryEvent.Kind.SENT_TO_AGENCY


@listen(ApplicationMoved, when=_went_to_the_agency)
def sent_to_agency(event: ApplicationMoved) -> None:
    application = Application.objects.select_related("version", "agency").get(pk=event.application_id)
    services.send_to_agency(application)
