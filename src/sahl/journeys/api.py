"""Journeys and reminders in JSON, for the logged-in person."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, P, PathEx, Router, Schema
from ninja.security import django_auth

from sahl.core.api_schemas import Text, errors
from sahl.core.languages import in_both
from sahl.identity.current import person_of
from sahl.journeys import reading as journeys_reading
from sahl.journeys import reminders
from sahl.journeys import services as journeys_services

router = Router(tags=["journeys"], auth=django_auth)
JOURNEY = P(description="the journey's reference, e.g. J-N5L3ZFQDJJ", pattern=r"^J-[A-Z0-9]{10}$")
STEP = P(
    description="the step's key in the journey's definition, e.g. child_allowance",
    pattern=r"^[a-z0-9_]{1,40}$",
)


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


# --- Journeys (issue 19) ------------------------------------------------------------------------


class JourneyOut(Schema):
    reference: str
    code: str = Field(description="the journey's definition: newborn, married")
    name: Text
    state: str = Field(description="in_progress or completed")
    happened_on: dt.date = Field(description="the day of the life event (the birth, the marriage)")
    started_at: dt.datetime
    steps_done: int
    steps_counted: int = Field(description="the steps that apply (those that do not are not counted)")
    waiting_for_you: int = Field(description="steps that wait for a member: an offer, a form")


class OfferAnswerOut(Schema):
    label: Text
    value: Text


class StepOut(Schema):
    key: str
    name: Text
    agency: Text
    service: str = Field(description="the catalogue service of the step")
    runs: str = Field(description="by_itself, offer or form")
    state: str = Field(
        description="pending, waiting_for_you, offered, in_progress, done, not_applicable or failed"
    )
    state_text: Text
    reason: Text | None = Field(description="why it does not apply, or why it failed and what to do next")
    application: str | None = Field(description="the reference of its application, if one is filed")
    due_on: dt.date | None = Field(description="when its application is due, while in progress")
    offer: list[OfferAnswerOut] = Field(description="what confirming an offer files, as the person sees it")
    yours: bool = Field(description="I may act on it (my role is among its applicants)")


class HistoryOut(Schema):
    at: dt.datetime
    who: Text | None = Field(description="a member's role; null: Sahl itself")
    step: Text | None
    kind: str = Field(description="started, completed, confirmed, or the state a step reached")
    application: str | None


class JourneyDetailOut(JourneyOut):
    role: str = Field(description="my role in it: father, mother, husband, wife")
    finished_at: dt.datetime | None
    steps: list[StepOut]
    history: list[HistoryOut]


def _text(value: object) -> dict[str, str] | None:
    return in_both(value) if value is not None else None  # type: ignore[arg-type]


def _summary(card: journeys_reading.JourneyCard) -> dict[str, object]:
    journey = card.journey
    return {
        "reference": journey.reference,
        "code": journey.code,
        "name": in_both(card.name),
        "state": journey.state,
        "happened_on": journey.happened_on,
        "started_at": journey.started_at,
        "steps_done": card.done,
        "steps_counted": card.counted,
        "waiting_for_you": card.waiting_for_you,
    }


def _detail(page: journeys_reading.JourneyPage) -> dict[str, object]:
    journey = page.journey
    waiting = sum(s.state in ("waiting_for_you", "offered") for s in page.steps)
    card = journeys_reading.JourneyCard(journey, page.definition.name, page.done, page.counted, waiting)
    return _summary(card) | {
        "role": page.role,
        "finished_at": journey.finished_at,
        "steps": [
            {
                "key": s.key,
                "name": in_both(s.name),
                "agency": in_both(s.agency),
                "service": s.service_code,
                "runs": s.runs,
                "state": s.state,
                "state_text": in_both(journeys_reading.STATE_TEXT[s.state]),
                "reason": _text(s.reason),
                "application": s.application.reference if s.application else None,
                "due_on": s.due_on,
                "offer": [{"label": in_both(a.label), "value": in_both(a.value)} for a in s.offer],
                "yours": s.yours,
            }
            for s in page.steps
        ],
        "history": [
            {
                "at": line.at,
                "who": _text(line.who),
                "step": _text(line.step),
                "kind": line.kind,
                "application": line.application_reference or None,
            }
            for line in page.history
        ],
    }


@router.get(
    "/me/journeys",
    response=list[JourneyOut],
    summary="My life-event journeys",
    description="The journeys I take part in (the newborn journey for both parents, the married journey "
    "for both spouses), newest first, with their progress.",
)
def my_journeys(request: HttpRequest) -> list[dict[str, object]]:
    return [_summary(card) for card in journeys_reading.my_journeys(person_of(request))]


@router.get(
    "/me/journeys/{reference}",
    response={200: JourneyDetailOut} | errors(404),
    summary="One of my journeys: each step with its state, and who did what",
    description="Another person's journey answers 404, as one that does not exist.",
)
def my_journey(request: HttpRequest, reference: PathEx[str, JOURNEY]) -> dict[str, object]:
    return _detail(journeys_reading.journey_page(person_of(request), reference))


@router.post(
    "/me/journeys/{reference}/steps/{key}/confirm",
    response={200: JourneyDetailOut} | errors(404),
    summary="Confirm an offer of my journey with one tap",
    description="Files the offered service with the answers the step shows (`offer`). A second call, or "
    "the other member's, files nothing more and answers the journey as it is: the step is filed once. "
    "A step that is not offered answers the journey unchanged; an unknown step or another person's "
    "journey 404.",
)
def confirm_offer(
    request: HttpRequest, reference: PathEx[str, JOURNEY], key: PathEx[str, STEP]
) -> dict[str, object]:
    user = person_of(request)
    journeys_services.confirm(user, reference, key)
    return _detail(journeys_reading.journey_page(user, reference))
