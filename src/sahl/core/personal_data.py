"""A person's own data, by contribution: each app that holds something about a person contributes
its section of "My data" here, from its `AppConfig.ready`, and the privacy app asks for them all
without knowing any app's tables. On the ground floor so that every app can contribute.

A contribution reads only, runs a fixed number of queries whatever the amount of data, and gives
the person their own data and no one else's beyond what they already see in Sahl (other people:
a civil ID and a name). Its section is plain data (typed dictionaries of text, numbers, dates), the
shapes the export's format (`privacy.format`) documents. The building blocks shared by all
sections are below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.utils.functional import Promise
from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from sahl.core.languages import Wording, in_language
from sahl.core.money import Money

# A section's shape forbids keys it does not document (the API's schema says `additionalProperties:
# false`): a field added in code but not in the format is an error, never a silent extra.
STRICT = ConfigDict(extra="forbid")


class Person(Protocol):
    """Whose data: the person's account, as identity holds it."""

    @property
    def pk(self) -> Any: ...
    @property
    def civil_id(self) -> str: ...
    @property
    def name_ar(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def preferred_language(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def notify_by_email(self) -> bool: ...
    @property
    def notify_by_sms(self) -> bool: ...
    @property
    def date_joined(self) -> dt.datetime: ...
    @property
    def last_login(self) -> dt.datetime | None: ...


# --- the registry -------------------------------------------------------------------------------

S = TypeVar("S")


@dataclass(frozen=True)
class Contribution(Generic[S]):
    """One section of the export: its key, what the "My data" page says it holds, and how to
    gather it for a person."""

    key: str
    summary: Promise | str  # a lazily translated sentence, shown in the person's language
    gather: Callable[[Person], S]


_CONTRIBUTIONS: dict[str, Contribution[Any]] = {}


def contribute(contribution: Contribution[Any]) -> None:
    """Add a section (once per key: `ready` may run again in tests)."""
    known = _CONTRIBUTIONS.get(contribution.key)
    if known is not None and known != contribution:
        raise ValueError(f"two contributions of the personal-data section {contribution.key!r}")
    _CONTRIBUTIONS[contribution.key] = contribution


def contributions() -> dict[str, Contribution[Any]]:
    """Every section contributed so far, by key."""
    return dict(_CONTRIBUTIONS)


# --- the building blocks of every section ---------------------------------------------------------


@with_config(STRICT)
class Text(TypedDict):
    """Text in Arabic and English."""

    ar: str
    en: str


@with_config(STRICT)
class Named(TypedDict):
    """Another person, as the registers link them to you: civil ID and name only."""

    civil_id: str
    name: Text


@with_config(STRICT)
class AgencyRef(TypedDict):
    code: str
    name: Text


@with_config(STRICT)
class ServiceRef(TypedDict):
    code: str
    name: Text


def text(ar: str, en: str) -> Text:
    return {"ar": ar, "en": en}


def bilingual(value: Wording) -> Text:
    """Data in both languages, or code text (gettext) read in each."""
    return {"ar": in_language(value, "ar"), "en": in_language(value, "en")}


def named(civil_id: str, name_ar: str, name_en: str) -> Named:
    return {"civil_id": civil_id, "name": text(name_ar, name_en)}


def amount(fils: int) -> str:
    """Dinars with three decimals, e.g. "10.000"."""
    return Money(fils).amount
