"""Who works on a case: a caseworker takes it, or a supervisor gives it to another. Recorded in the
history and announced, in the transaction of the change, like every step (the back office's queue
shows who has the case)."""

from __future__ import annotations

from sahl.applications.models import Application
from sahl.applications.moving import Kind, record
from sahl.events.services import announce
from sahl.events.types import ApplicationAssigned
from sahl.identity.models import User


def assign(application: Application, caseworker: User, by: User | None = None) -> None:
    """Give the case to the caseworker (the caller holds its lock and checked it was free), or, `by`
    a supervisor, to another caseworker of the agency: the history says who gave it."""
    application.assigned_to = caseworker
    application.save(update_fields=["assigned_to", "updated_at"])
    kind = Kind.TAKEN if by is None else Kind.REASSIGNED
    step = record(application, kind, caseworker if by is None else by)
    state = str(application.state)
    announce(
        ApplicationAssigned(
            application_id=application.pk,
            reference=application.reference,
            history_id=step.pk,
            kind=kind,
            from_state=state,
            to_state=state,
            service_id=application.service_id,
        )
    )
