"""Who may act for whom: the pure part (no database). `services.authorize` gathers the facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

MAJORITY_AGE = 18  # a parent's guardianship ends by itself on the child's 18th birthday
LONGEST_MANDATE = relativedelta(years=5)
COMPANY_ROLES_THAT_SIGN = frozenset({"owner", "signatory"})

# Services a person files only for themselves: nobody grants a power of attorney in someone
# else's name (delegating further is not offered yet), nor cancels one.
PERSONAL_SERVICES = frozenset({"moj.power-of-attorney", "moj.power-of-attorney-cancellation"})


class Basis(StrEnum):
    """Why someone may act: for themselves, or for another person on one of these grounds."""

    SELF = "self"
    GUARDIAN = "guardian"  # parent of a minor, from the population register
    ATTORNEY = "attorney"  # a power of attorney in force
    SIGNATORY = "signatory"  # owner or authorised signatory of a company, from the companies register
    DELEGATE = "delegate"  # a company's representative, granted a scope by an owner or signatory
    STAFF = "staff"  # a caseworker of the agency that owns the service


class Action(StrEnum):
    ACT_AS = "act_as"  # switch the portal to act for the subject
    VIEW = "view"  # read the subject's applications and documents
    APPLY = "apply"  # file an application
    ACT = "act"  # consent, answer, withdraw on an application
    PAY = "pay"  # pay an application's fee or a company's dues (a delegate needs a scope with it)
    REVIEW = "review"  # staff read a case
    DECIDE = "decide"  # staff move a case


STAFF_ACTIONS = frozenset({Action.REVIEW, Action.DECIDE})


@dataclass(frozen=True)
class Scope:
    name: Promise
    categories: frozenset[str] | None  # None: every category
    excluded: frozenset[str] = frozenset()


# The scopes of the Ministry of Justice's power-of-attorney form, as catalogue categories. Their
# names have a context of their own: "General" here is a general power of attorney (توكيل عام).
SCOPES: dict[str, Scope] = {
    "general": Scope(pgettext_lazy("power of attorney scope", "General"), None),
    "vehicles": Scope(pgettext_lazy("power of attorney scope", "Vehicles"), frozenset({"traffic"})),
    "real_estate": Scope(
        pgettext_lazy("power of attorney scope", "Real estate"), frozenset({"housing", "building"})
    ),
    "courts": Scope(pgettext_lazy("power of attorney scope", "Courts and lawsuits"), frozenset({"justice"})),
    "government": Scope(
        pgettext_lazy("power of attorney scope", "Government transactions"), None, frozenset({"justice"})
    ),
}


@dataclass(frozen=True)
class DelegateScope:
    """What a company's representative may do: on which catalogue categories (None: all), and which
    actions (reading is always one)."""

    name: Promise
    categories: frozenset[str] | None
    actions: frozenset[str]


_FILES = frozenset({Action.ACT_AS, Action.VIEW, Action.APPLY, Action.ACT})
DELEGATE_SCOPES: dict[str, DelegateScope] = {
    "labour": DelegateScope(
        pgettext_lazy("delegate scope", "Labour services"), frozenset({"labour"}), _FILES
    ),
    "social_insurance": DelegateScope(
        pgettext_lazy("delegate scope", "Social-insurance services"), frozenset({"social-insurance"}), _FILES
    ),
    "payments": DelegateScope(
        pgettext_lazy("delegate scope", "Payments only"),
        None,
        frozenset({Action.ACT_AS, Action.VIEW, Action.PAY}),
    ),
    "read_only": DelegateScope(
        pgettext_lazy("delegate scope", "Read only"), None, frozenset({Action.ACT_AS, Action.VIEW})
    ),
    "all": DelegateScope(
        pgettext_lazy("delegate scope", "All services and payments"), None, _FILES | {Action.PAY}
    ),
}
LONGEST_DELEGATION = relativedelta(years=3)


def delegate_may(scopes: tuple[str, ...], action: str, category: str | None) -> bool:
    """Whether a representative holding these scopes may do `action` (on a service of `category`;
    None: not about one service)."""
    for key in scopes:
        found = DELEGATE_SCOPES.get(key)
        if found is None or action not in found.actions:
            continue
        if category is None or found.categories is None or category in found.categories:
            return True
    return False


def delegation_dates_acceptable(until: dt.date, today: dt.date) -> bool:
    return today <= until <= today + LONGEST_DELEGATION


def covers(scope: str, category: str) -> bool:
    """Whether a power of attorney of this scope reaches services of this catalogue category."""
    found = SCOPES.get(scope)
    if found is None or category in found.excluded:
        return False
    return found.categories is None or category in found.categories


def is_minor(birth_date: dt.date, today: dt.date) -> bool:
    return today < birth_date + relativedelta(years=MAJORITY_AGE)


def last_minor_day(birth_date: dt.date) -> dt.date:
    return birth_date + relativedelta(years=MAJORITY_AGE) - dt.timedelta(days=1)


def in_force(valid_from: dt.date, valid_until: dt.date, revoked: bool, today: dt.date) -> bool:
    return not revoked and valid_from <= today <= valid_until


def dates_acceptable(start: dt.date, end: dt.date, today: dt.date) -> bool:
    """A new power of attorney starts today or later and ends after it, within five years."""
    return today <= start <= end <= start + LONGEST_MANDATE


def parse_date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None
