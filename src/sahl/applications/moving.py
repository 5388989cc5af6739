"""Moving a case along its state machine: every step is checked against the transition table,
written to the application's history, keeps the service-level clock (paused while the case waits
for the person) and is announced as one domain event, in the same transaction.

Inside `together()` (a submission, ADR 0047) the steps are kept and written at its end in a fixed
number of statements whatever their number: one update of the application, one insert of the
history lines, and the events announced together (`events.services.announce_all`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sahl.applications import clock
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import CLOCK_PAUSED, State, check_transition
from sahl.core.working_days import add_working_days, kuwait_holidays, working_days_between
from sahl.events.services import announce_all
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
    DomainEvent,
)
from sahl.identity.models import User

Kind = HistoryEvent.Kind


@dataclass
class _Kept:
    """What a `together()` block has changed and not yet written, in order."""

    changed: dict[int, tuple[Application, set[str]]] = field(default_factory=dict)
    steps: list[HistoryEvent] = field(default_factory=list)
    # Events in the order they happened; a step's event is made once its history line has an id.
    events: list[DomainEvent | Callable[[], DomainEvent]] = field(default_factory=list)


_kept: ContextVar[_Kept | None] = ContextVar("sahl_moving_kept", default=None)


@contextmanager
def together() -> Iterator[None]:
    """Keep the steps, changes and events of the block and write them at its end (inside the
    caller's transaction: nothing is written if the block raises). A block inside another joins it."""
    if _kept.get() is not None:
        yield
        return
    kept = _Kept()
    token = _kept.set(kept)
    try:
        yield
    finally:
        _kept.reset(token)
    _write(kept)


def _write(kept: _Kept) -> None:
    for application, fields in kept.changed.values():
        application.save(update_fields=sorted(fields))
    HistoryEvent.objects.bulk_create(kept.steps)  # ids come back: the events name their step
    if kept.events:
        announce_all([e if isinstance(e, DomainEvent) else e() for e in kept.events])


def save(application: Application, *fields: str) -> None:
    """Save these fields of the application now, or with the rest at the end of `together()`."""
    kept = _kept.get()
    if kept is None:
        application.save(update_fields=list(fields))
        return
    kept.changed.setdefault(id(application), (application, set()))[1].update(fields)


def announce_in_turn(event: DomainEvent | Callable[[], DomainEvent]) -> None:
    """Announce now, or in its turn among the steps' events at the end of `together()` (a
    callable makes the event then: a step's event names its history line's id)."""
    kept = _kept.get()
    if kept is None:
        announce_all([event if isinstance(event, DomainEvent) else event()])
    else:
        kept.events.append(event)


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
    step = HistoryEvent(
        application=application,
        kind=kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    kept = _kept.get()
    if kept is None:
        step.save()
    else:
        kept.steps.append(step)  # written with the others at the end of together()
    return step


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
    save(application, "state", "paused_since", "due_on", "updated_at", *also)
    step = record(application, kind, actor, note, current, target)

    def event() -> DomainEvent:  # made once the step has its id
        return _EVENT_FOR_STATE.get(target, ApplicationMoved)(
            application_id=application.pk,
            reference=application.reference,
            history_id=step.pk,
            kind=kind,
            from_state=str(current),
            to_state=str(target),
            service_id=application.service_id,
        )

    announce_in_turn(event)
