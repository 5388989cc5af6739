"""Who works on a case: a caseworker takes it. Recorded in the history and announced, in the
transaction of the change, like every step (the back office's queue shows who has the case)."""

from __future__ import annotations

from sahl.applications.models import Application
from sahl.applications.moving import Kind, record
from sahl.events.services import announce
from sahl.events.types import ApplicationAssigned
from sahl.identity.models import User


def assign(application: Application, caseworker: User) -> None:
    """Give the case to the caseworker (the caller holds its lock and checked it was free)."""
    application.assigned_to = caseworker
    application.save(update_fields=["assigned_to", "updated_at"])
    step = record(application, Kind.TAKEN, caseworker)
    state = str(application.state)
    announce(
        ApplicationAssigned(
            application_id=application.pk,
            reference=application.reference,
            history_id=step.pk,
            kind=Kind.TAKEN,
            from_state=state,
            to_state=state,
        )
    )
