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


@dataclass(frozen=True)
class CompanyReminding:
    """What a company is reminded of (issue 20): one message per company, threshold and group of
    dues, never one per worker. Told to its owners and signatories, and to its representatives in
    force whose scope lets them act on it (`mandates.rules.delegate_may` of any of `delegates`):
    the reminder asks for something to be done, so a read-only representative is not told."""

    days: tuple[int, ...]  # thresholds, the farthest first
    reads: tuple[str, ...]  # the registers' kinds of company dues it counts (registry.companies.DUES)
    name: Promise
    delegates: tuple[tuple[str, str | None], ...]  # (action, catalogue category) a scope must allow
    renew: str = ""  # the service the message links to; "" for the company's page
    weekly: bool = False  # dues grouped by the week (Sunday to Saturday) they fall in


# Keyed by what the sweep writes as a reminder's `document`. The licence keeps its kind and its
# record (commercial_licence:<company>), so that rows written when only owners were told still count.
COMPANY_REMINDERS: dict[str, CompanyReminding] = {
    "commercial_licence": CompanyReminding(
        REMINDERS["commercial_licence"].days,
        ("commercial_licence",),
        REMINDERS["commercial_licence"].name,
        (("apply", "business"),),
        renew=REMINDERS["commercial_licence"].renew,
    ),
    # Work permits and the residencies of the workers who hold them, renewed together by whoever
    # handles the company's labour services: a week's endings told at 60, 30 and 7 days before the
    # week's last day.
    "workforce": CompanyReminding(
        (60, 30, 7),
        ("work_permit", "worker_residency"),
        pgettext_lazy("document type", "Workers' permits and residencies"),
        (("apply", "labour"),),
        weekly=True,
    ),
    # Unpaid social-insurance statements, 7 days and the day before they fall due: told to who may
    # pay (payments, all) or handles social insurance.
    "contributions": CompanyReminding(
        (7, 1),
        ("contributions",),
        pgettext_lazy("document type", "Social-insurance contributions"),
        (("pay", None), ("apply", "social-insurance")),
    ),
}


def name_of(kind: str) -> Promise:
    """What a reminder's `document` is called, a person's or a company's."""
    found = REMINDERS.get(kind) or COMPANY_REMINDERS.get(kind)
    return found.name if found else pgettext_lazy("document type", "Document")


def week_end(day: dt.date) -> dt.date:
    """The Saturday ending the week (Sunday to Saturday, as Kuwait's week runs) of `day`."""
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


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
