"""The transition table: every allowed move works, everything else is refused by name."""

import itertools

import pytest

from sahl.applications.states import (
    CATEGORY,
    TRANSITIONS,
    Category,
    IllegalTransition,
    State,
    check_transition,
)

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
REFUSED = [
    (source, target)
    for source, target in itertools.product(State, State)
    if target not in TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition_is_accepted(source, target):
    assert check_transition(source.value, target.value) == target


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (State.DRAFT, State.APPROVED),  # nobody decides a draft
        (State.COMPLETED, State.IN_REVIEW),  # a completed case never reopens
        (State.REJECTED, State.APPROVED),
        (State.WITHDRAWN, State.SUBMITTED),
        (State.APPROVED, State.REJECTED),  # a decision is not reversed by a second one
        (State.ACTION_NEEDED, State.APPROVED),  # decide only after the applicant answered
        (State.IN_REVIEW, State.IN_REVIEW),
    ],
)
def test_refused_transitions_raise_a_named_error(source, target):
    with pytest.raises(IllegalTransition) as error:
        check_transition(source.value, target.value)
    assert error.value.code == "application.illegal_transition"
    assert error.value.params == {"current": source.value, "target": target.value}


def test_the_table_allows_20_moves_and_refuses_the_other_80():
    assert len(ALLOWED) == 20
    assert len(REFUSED) == len(State) ** 2 - 20
    for source, target in REFUSED:
        with pytest.raises(IllegalTransition):
            check_transition(source.value, target.value)


def test_ended_states_go_nowhere():
    for state in (State.COMPLETED, State.REJECTED, State.CANCELLED, State.WITHDRAWN):
        assert TRANSITIONS[state] == frozenset()


def test_every_state_has_a_platform_category():
    assert set(CATEGORY) == set(State)
    assert CATEGORY[State.ACTION_NEEDED] == Category.ACTION_NEEDED
    assert CATEGORY[State.WITHDRAWN] == Category.CANCELLED
    assert CATEGORY[State.IN_REVIEW] == Category.IN_PROGRESS
