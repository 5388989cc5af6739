"""What a person reads about their documents nearing expiry: those coming up (their own and their
minor children's, inside each kind's farthest threshold), for the personal home page and the API,
and the reminders Sahl already sent them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise

from sahl.core.bilingual import BilingualText
from sahl.journeys.models import Reminder
from sahl.journeys.thresholds import COMPANY_REMINDERS, REMINDERS, farthest, is_minor, name_of, window
from sahl.registry.adapters import registers


@dataclass(frozen=True)
class ComingUp:
    """One document nearing its expiry, as the person is shown it."""

    document: str  # its kind (passport, vehicle_registration...)
    name: Promise  # what it is called
    expires_on: dt.date
    days_left: int
    renew: str  # the catalogue service that renews it
    holder_civil_id: str
    child: BilingualText | None  # the child's name when it is a child's, else None (the person's own)


@dataclass(frozen=True)
class Sent:
    """One reminder Sahl sent the person."""

    document: str
    name: Promise
    expires_on: dt.date
    days_before: int  # the threshold it was sent at
    renew: str
    holder_civil_id: str
    for_child: bool
    sent_at: dt.datetime


def coming_up(civil_id: str, today: dt.date) -> list[ComingUp]:
    """The person's documents and their minor children's that expire within their kind's farthest
    threshold, the soonest first: two reads (the children, then every kind's documents at once)."""
    children = {c.civil_id: c.name for c in registers().children(civil_id) if is_minor(c.birth_date, today)}
    documents = registers().expiring(
        today,
        today + dt.timedelta(days=farthest()),
        kinds=list(REMINDERS),
        holders=[civil_id, *children],
    )
    found = []
    for d in documents:
        days_left = (d.expires_on - today).days
        if days_left > window(d.kind):
            continue
        reminding = REMINDERS[d.kind]
        child = children.get(d.holder_civil_id) if d.holder_civil_id != civil_id else None
        found.append(
            ComingUp(
                d.kind,
                reminding.name,
                d.expires_on,
                days_left,
                reminding.renewed_by(d.variant),
                d.holder_civil_id,
                child,
            )
        )
    return sorted(found, key=lambda c: (c.expires_on, c.document, c.holder_civil_id))


def sent(civil_id: str, limit: int = 50) -> list[Sent]:
    """The reminders sent to the person, the newest first (not those kept while they had no account,
    nor the thresholds passed); a company's too (its number as holder: not a child's)."""
    rows = Reminder.objects.filter(civil_id=civil_id, outcome=Reminder.Outcome.TOLD).order_by(
        "-created_at", "-pk"
    )[:limit]
    return [
        Sent(
            r.document,
            name_of(r.document),
            r.expires_on,
            r.days_before,
            r.renew,
            r.holder_civil_id,
            r.holder_civil_id != civil_id and r.document not in COMPANY_REMINDERS,
            r.created_at,
        )
        for r in rows
    ]
