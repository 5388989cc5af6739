"""The life of an application: its states, what the person sees, and the allowed transitions."""

from __future__ import annotations

from django.db import models

from sahl.core.errors import Conflict


class State(models.TextChoices):
    DRAFT = "draft", "draft"  # being filled in by the applicant; not yet filed
    SUBMITTED = "submitted", "submitted"  # filed; waiting for other parties or routing
    AWAITING_PAYMENT = "awaiting_payment", "awaiting payment"  # a fee is due before work starts
    IN_REVIEW = "in_review", "in review"  # with the agency (back office or its own system)
    ACTION_NEEDED = "action_needed", "action needed"  # the agency waits for the applicant
    APPROVED = "approved", "approved"  # decided yes; documents and registers follow
    COMPLETED = "completed", "completed"  # documents issued and registers updated
    REJECTED = "rejected", "rejected"  # decided no, with a reason
    CANCELLED = "cancelled", "cancelled"  # ended without a decision (e.g. the buyer declined)
    WITHDRAWN = "withdrawn", "withdrawn"  # the applicant stopped it


class Category(models.TextChoices):
    """The platform-wide category a person sees, whatever the agency."""

    DRAFT = "draft", "draft"
    RECEIVED = "received", "received"
    IN_PROGRESS = "in_progress", "in progress"
    ACTION_NEEDED = "action_needed", "action needed from you"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"
    COMPLETED = "completed", "completed"
    CANCELLED = "cancelled", "cancelled"


CATEGORY = {
    State.DRAFT: Category.DRAFT,
    State.SUBMITTED: Category.RECEIVED,
    State.AWAITING_PAYMENT: Category.ACTION_NEEDED,
    State.IN_REVIEW: Category.IN_PROGRESS,
    State.ACTION_NEEDED: Category.ACTION_NEEDED,
    State.APPROVED: Category.APPROVED,
    State.COMPLETED: Category.COMPLETED,
    State.REJECTED: Category.REJECTED,
    State.CANCELLED: Category.CANCELLED,
    State.WITHDRAWN: Category.CANCELLED,
}

TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.SUBMITTED: frozenset(
        {
            State.AWAITING_PAYMENT,
            State.IN_REVIEW,
            State.APPROVED,
            State.REJECTED,
            State.CANCELLED,
            State.WITHDRAWN,
        }
    ),
    State.AWAITING_PAYMENT: frozenset({State.IN_REVIEW, State.APPROVED, State.CANCELLED, State.WITHDRAWN}),
    State.IN_REVIEW: frozenset({State.ACTION_NEEDED, State.APPROVED, State.REJECTED, State.WITHDRAWN}),
    State.ACTION_NEEDED: frozenset({State.IN_REVIEW, State.CANCELLED, State.WITHDRAWN}),
    State.APPROVED: frozenset({State.COMPLETED}),
    State.COMPLETED: frozenset(),
    State.REJECTED: frozenset(),
    State.CANCELLED: frozenset(),
    State.WITHDRAWN: frozenset(),
}

OPEN = frozenset(s for s, targets in TRANSITIONS.items() if targets) - {State.DRAFT}
# The service-level clock stops while the agency waits for the applicant.
CLOCK_PAUSED = frozenset({State.ACTION_NEEDED, State.AWAITING_PAYMENT})


class IllegalTransition(Conflict):
    """The application cannot go from its state to the one asked for; nothing was changed."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__("application.illegal_transition", current=current, target=target)


def check_transition(current: str, target: str) -> State:
    """The target state, if the table allows moving there from `current`."""
    source, wanted = State(current), State(target)
    if wanted not in TRANSITIONS[source]:
        raise IllegalTransition(source.value, wanted.value)
    return wanted
