"""Effects: what an approved service does to a register or a mandate.

A service definition names its effects (`effects: [vehicle.renew_registration]`); the catalogue
checks each name and the form answers it reads against this vocabulary when it loads a definition.
The apps that own the records provide the effects from their `AppConfig.ready` (registry: the base
registers; mandates: powers of attorney), so approving an application carries them out by name
without knowing whose they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sahl.core.languages import Wording


@dataclass(frozen=True)
class Order:
    """One effect to carry out: for whom, with which answers, on which day, for which application."""

    reference: str
    civil_id: str
    answers: Mapping[str, Any]
    day: dt.date


@dataclass(frozen=True)
class Refusal:
    """Answers the effect could not carry out: the field to point at and the message code."""

    field: str
    code: str


@dataclass(frozen=True)
class Change:
    """What an effect did: told for the application's history, and the last day of the record it
    made or renewed (None: the record has no end)."""

    said: Wording
    until: dt.date | None = None


@dataclass(frozen=True)
class Effect:
    name: str
    reads: tuple[str, ...]  # the form answers it needs; a definition without them does not load
    carry_out: Callable[[Order], Change]  # changes the records; says what changed, for the history
    check: Callable[[Mapping[str, Any], dt.date], Refusal | None] | None = (
        None  # refused at filing, not approval
    )
    # The document type that certifies the record: an output of this type is valid exactly as long
    # as the record (`Change.until`), never for a duration of its own.
    certifies: str = ""


_EFFECTS: dict[str, Effect] = {}


def provide(*effects: Effect) -> None:
    for effect in effects:
        if _EFFECTS.get(effect.name, effect) is not effect:
            raise ValueError(f"the effect {effect.name} is provided twice")
        _EFFECTS[effect.name] = effect


def known() -> Mapping[str, Effect]:
    return _EFFECTS


def effect(name: str) -> Effect:
    return _EFFECTS[name]
