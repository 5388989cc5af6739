"""Journeys and reminders in JSON, for the logged-in person."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.security import django_auth

from sahl.core.api_schemas import Text
from sahl.core.languages import in_both
from sahl.identity.current import person_of
from sahl.journeys import reminders

router = Router(tags=["journeys"], auth=django_auth)


# --- Reminders before a document expires (issue 19) -------------------------------------------


class ComingUpOut(Schema):
    document: str = Field(
        description="the kind: passport, vehicle_registration, residency, driving_licence, commercial_licence"
    )
    name: Text = Field(description="what the document is called")
    expires_on: dt.date
    days_left: int = Field(description="days from today to the expiry day (0: it expires today)")
    renew: str = Field(description="the code of the catalogue service that renews it")
    for_child: bool = Field(description="the document is a minor child's in my care")
    child: Text | None = Field(description="the child's name, when it is a child's")


class ReminderSentOut(Schema):
    document: str
    name: Text
    expires_on: dt.date
    days_before: int = Field(description="the threshold it was sent at: days before the expiry")
    renew: str = Field(description="the code of the catalogue service the message linked to")
    for_child: bool
    sent_at: dt.datetime


class RemindersOut(Schema):
    coming_up: list[ComingUpOut]
    sent: list[ReminderSentOut]


@router.get(
    "/me/reminders",
    response=RemindersOut,
    summary="My documents nearing their expiry, and the reminders sent to me",
    description="My documents and my minor children's that expire within the days Sahl reminds of "
    "(a passport 180 days ahead, a residence permit 90, a driving licence 90, a commercial licence 60, "
    "a vehicle registration 30), the soonest first, each with the service that renews it; and the 50 "
    "newest reminders sent to me.",
)
def my_reminders(request: HttpRequest) -> RemindersOut:
    person = person_of(request)
    return RemindersOut(
        coming_up=[
            ComingUpOut(
                document=c.document,
                name=Text(**in_both(c.name)),
                expires_on=c.expires_on,
                days_left=c.days_left,
                renew=c.renew,
                for_child=c.child is not None,
                child=Text(**in_both(c.child)) if c.child else None,
            )
            for c in reminders.coming_up(person.civil_id, timezone.localdate())
        ],
        sent=[
            ReminderSentOut(
                document=s.document,
                name=Text(**in_both(s.name)),
                expires_on=s.expires_on,
                days_before=s.days_before,
                renew=s.renew,
                for_child=s.for_child,
                sent_at=s.sent_at,
            )
            for s in reminders.sent(person.civil_id)
        ],
    )
