"""When Sahl reminds people before a document expires, and which service renews it: one table
(issue 19), read by the daily sweep, the person's list of what is coming up and the API.

Days are counted before the expiry day. A document is due at the nearest threshold it has reached;
the farther ones are past (a document first seen 50 days before its expiry is told once, at 60, and
never late at 180). Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Reminding:
    days: tuple[int, ...]  # thresholds, the farthest first
    renew: str  # the catalogue service that renews it
    name: Promise  # what the document is called in lists
    # Where how it is renewed depends on the document (a residency's article): the service by variant.
    renew_by_variant: Mapping[str, str] = field(default_factory=dict)

    def renewed_by(self, variant: str) -> str:
        return self.renew_by_variant.get(variant, self.renew)


# Keyed by the registers' kinds of document (registry.adapters.EXPIRING).
REMINDERS: dict[str, Reminding] = {
    "passport": Reminding((180, 60, 7), "moi.passport-renewal", pgettext_lazy("document type", "Passport")),
    "vehicle_registration": Reminding(
        (30, 7), "moi.vehicle-registration-renewal", pgettext_lazy("document type", "Vehicle registration")
    ),
    "residency": Reminding(
        (90, 30),
        "moi.residency-renewal-family",
        pgettext_lazy("document type", "Residence permit"),
        # Articles 18 and 19 are renewed by the company, 20 by the sponsor, 22 (and 24, which has no
        # service of its own in the catalogue) by the head of the family.
        {
            "article-17": "moi.residency-renewal-government-sector",
            "article-18": "moi.residency-renewal-private-sector",
            "article-19": "moi.residency-renewal-private-sector",
            "article-20": "moi.residency-renewal-domestic-worker",
        },
    ),
    "driving_licence": Reminding(
        (90,), "moi.driving-licence-renewal", pgettext_lazy("document type", "Driving licence")
    ),
    # The issue names no days for a company's licence: its renewal opens 60 days ahead.
    "commercial_licence": Reminding(
        (60, 30), "moci.commercial-licence-renewal", pgettext_lazy("document type", "Commercial licence")
    ),
}

# A holder younger than this is a child: the parents the population register names are told too.
ADULT_AGE = 18


@dataclass(frozen=True)
class Due:
    days_before: int  # the threshold told now
    passed: tuple[int, ...]  # the farther ones, never to be told for this expiry


def due(days: tuple[int, ...], days_left: int) -> Due | None:
    """The threshold a document `days_left` days from its expiry is due at, or None (not yet inside
    the farthest, or expired already)."""
    reached = sorted(d for d in days if d >= days_left)
    if days_left < 0 or not reached:
        return None
    return Due(reached[0], tuple(reversed(reached[1:])))


def is_minor(birth_date: dt.date, today: dt.date) -> bool:
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    return age < ADULT_AGE


def window(kind: str) -> int:
    """How many days before its expiry a document of this kind is first reminded of."""
    return max(REMINDERS[kind].days)


def farthest() -> int:
    return max(window(kind) for kind in REMINDERS)
