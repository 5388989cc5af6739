"""The pure part of complaints: routing by ordered rules, what counts as a duplicate nearby, the
deadline in working days, and which moves the handling may make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sahl.core.arabic import normalize
from sahl.core.errors import Conflict
from sahl.core.working_days import add_working_days, working_days_between

DUPLICATE_RADIUS_M = 300  # open complaints of the same topic this close are offered to join
DUPLICATE_DAYS = 30  # ...if filed this recently
MAX_PHOTOS = 5


@dataclass(frozen=True)
class Rule:
    """A routing rule as data: empty conditions match anything."""

    position: int
    agency: str
    topic: str = ""
    governorate: str = ""
    area: str = ""
    keywords: tuple[str, ...] = ()
    unit_ar: str = ""
    unit_en: str = ""
    topic_to: str = ""


@dataclass(frozen=True)
class Case:
    """What routing looks at."""

    topic: str
    governorate: str
    area: str
    text: str


def matches(rule: Rule, case: Case) -> bool:
    if rule.topic and rule.topic != case.topic:
        return False
    if rule.governorate and rule.governorate != case.governorate:
        return False
    if rule.area and rule.area != case.area:
        return False
    if rule.keywords:
        words = {form for word in normalize(case.text).split() for form in _forms(word)}
        if not any(normalize(keyword) in words for keyword in rule.keywords):
            return False
    return True


# Arabic writes the article and some particles onto the word: الكهرباء, والماء, بالشارع.
_PROCLITICS = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ف", "ل")


def _forms(word: str) -> set[str]:
    """The word, and the word without a leading article or particle (for whole-word matching)."""
    forms = {word}
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            forms.add(word[len(prefix) :])
    return forms


def route(rules: Iterable[Rule], case: Case) -> Rule | None:
    """The first rule (by position) whose conditions all hold, or None (the topic's own agency)."""
    for rule in sorted(rules, key=lambda r: r.position):
        if matches(rule, case):
            return rule
    return None


def keywords_of(text: str) -> tuple[str, ...]:
    """A rule's keywords as an operator types them: separated by commas (Arabic ، too)."""
    return tuple(word.strip() for word in text.replace("،", ",").split(",") if word.strip())


def due_on(start: dt.date, working_days: int, holidays: frozenset[dt.date]) -> dt.date:
    """The deadline: working days on the Kuwait calendar (Friday and Saturday off, holidays)."""
    return add_working_days(start, working_days, holidays)


def paused_days(since: dt.date, until: dt.date, holidays: frozenset[dt.date]) -> int:
    return working_days_between(since, until, holidays)


# --- Handling ---------------------------------------------------------------------------------

OPEN = ("received", "acknowledged", "waiting")
MOVES: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged", "waiting", "resolved", "received"),  # received -> received: forwarded
    "acknowledged": ("waiting", "resolved", "received"),
    "waiting": ("acknowledged", "received"),
    "resolved": ("acknowledged", "closed"),  # reopened once, or closed when rated
    "closed": (),
}


class IllegalMove(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__("complaint.illegal_move", current=current, target=target)


def check_move(current: str, target: str) -> None:
    if target not in MOVES.get(current, ()):
        raise IllegalMove(current, target)


def overdue(due: dt.date, today: dt.date, state: str, paused: bool) -> bool:
    return state in OPEN and not paused and due < today


def rating_is_valid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5
