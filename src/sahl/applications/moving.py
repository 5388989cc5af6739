"""Moving a case along its state machine: every step is checked against the transition table,
written to the application's history, keeps the service-level clock (paused while the case waits
for the person) and is announced as one domain event, in the same transaction."""

from __future__ import annotations

from sahl.applications import clock
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import CLOCK_PAUSED, State, check_transition
from sahl.core.working_days import add_working_days, kuwait_holidays, working_days_between
from sahl.events.services import announce
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
)
from sahl.identity.models import User

Kind = HistoryEvent.Kind

# Ended without the service being delivered: a paid fee goes back (payments listens).
ENDED_WITHOUT_SERVICE = (State.REJECTED, State.CANCELLED, State.WITHDRAWN)


def record(
    application: Application,
    kind: str,
    actor: User | None,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    on_behalf_of: str | None = None,
) -> HistoryEvent:
    if on_behalf_of is None:  # the applicant filing for someone else acts for the subject
        acts_for = (
            actor and actor.pk == application.applicant_id and actor.civil_id != application.subject_civil_id
        )
        on_behalf_of = application.subject_civil_id if acts_for else ""
    return HistoryEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


# Each step of the state machine is announced as one event, its type by where it leads.
_EVENT_FOR_STATE: dict[State, type[ApplicationEvent]] = {
    State.SUBMITTED: ApplicationSubmitted,
    State.APPROVED: ApplicationDecided,
    State.REJECTED: ApplicationDecided,
    State.COMPLETED: ApplicationCompleted,
}


def transition(
    application: Application,
    target: State,
    actor: User | None,
    kind: str,
    note: str = "",
    also: tuple[str, ...] = (),
) -> None:
    """Move along the transition table (or raise IllegalTransition) and record it."""
    current = application.state
    check_transition(current, target)
    day = clock.today()
    if target in CLOCK_PAUSED and application.paused_since is None:
        application.paused_since = day
    elif current in CLOCK_PAUSED and target not in CLOCK_PAUSED and application.paused_since:
        if application.due_on:
            paused = working_days_between(application.paused_since, day, kuwait_holidays())
            application.due_on = add_working_days(application.due_on, paused, kuwait_holidays())
        application.paused_since = None
    application.state = target
    application.save(update_fields=["state", "paused_since", "due_on", "updated_at", *also])
    step = record(application, kind, actor, note, current, target)
    announce(
        _EVENT_FOR_STATE.get(target, ApplicationMoved)(
            application_id=application.pk,
            reference=application.reference,
            history_id=step.pk,
            kind=kind,
            from_state=str(current),
            to_state=str(target),
        )
    )
