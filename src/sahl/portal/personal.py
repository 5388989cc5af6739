"""The home page of a person who is logged in: what needs their action, what is in progress with its
due date, what is coming up (documents nearing their expiry, with one tap to renew), and their
journeys in progress. A fixed number of reads, whatever the person holds (tested): their open
application cards, the consents asked of them, their journeys and their steps, and their documents
nearing expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sahl.applications.models import ApplicationCard, Party
from sahl.applications.states import State
from sahl.core.bilingual import BilingualText
from sahl.core.compiled import CompiledRead
from sahl.identity.models import User
from sahl.journeys import reading as journeys
from sahl.journeys import reminders
from sahl.journeys.models import Journey

OPEN = (State.SUBMITTED, State.AWAITING_PAYMENT, State.IN_REVIEW, State.ACTION_NEEDED)
SHOWN = 20  # rows a section shows; the lists behind them have the rest


@dataclass(frozen=True)
class Action:
    """Something waiting for the person: `kind` says what (consent, information, payment, journey)."""

    kind: str
    reference: str
    name: BilingualText
    agency: BilingualText | None


@dataclass(frozen=True)
class InProgress:
    reference: str
    name: BilingualText
    agency: BilingualText
    state: str
    due_on: dt.date | None


@dataclass(frozen=True)
class PersonalHome:
    actions: list[Action]
    in_progress: list[InProgress]
    coming_up: list[reminders.ComingUp]
    journeys: list[journeys.JourneyCard]


# The home's two reads of applications, compiled once (core.compiled): Django would build and compile
# each anew on every visit, which cost more than PostgreSQL takes to answer them.
_OPEN_CARDS = CompiledRead(
    ApplicationCard,
    lambda civil_id: (
        ApplicationCard.objects.filter(civil_id=civil_id, state__in=OPEN)
        .order_by("-created_at", "-application")
        .values_list(
            "reference",
            "role",
            "state",
            "due_on",
            "service_name_ar",
            "service_name_en",
            "agency_name_ar",
            "agency_name_en",
        )[:200]
    ),
    1,
)
_CONSENTS_ASKED = CompiledRead(
    Party,
    lambda civil_id: (
        Party.objects.filter(
            civil_id=civil_id, consent=Party.Consent.PENDING, application__state=State.SUBMITTED
        )
        .order_by("-application__created_at")
        .values_list(
            "application__reference",
            "application__service__name_ar",
            "application__service__name_en",
            "application__agency__name_ar",
            "application__agency__name_en",
        )[:SHOWN]
    ),
    1,
)


def personal_home(user: User, today: dt.date) -> PersonalHome:
    actions = [
        Action(
            "consent", reference, BilingualText(service_ar, service_en), BilingualText(agency_ar, agency_en)
        )
        for reference, service_ar, service_en, agency_ar, agency_en in _CONSENTS_ASKED.rows(user.civil_id)
    ]
    progress = []
    for reference, role, state, due_on, service_ar, service_en, agency_ar, agency_en in _OPEN_CARDS.rows(
        user.civil_id
    ):
        if role != "subject":
            continue  # a party's own part is asked above (consent); the rest is the applicant's
        name = BilingualText(service_ar, service_en)
        agency = BilingualText(agency_ar, agency_en)
        if state == State.ACTION_NEEDED:
            actions.append(Action("information", reference, name, agency))
        elif state == State.AWAITING_PAYMENT:
            actions.append(Action("payment", reference, name, agency))
        else:
            progress.append(InProgress(reference, name, agency, state, due_on))
    mine = [c for c in journeys.my_journeys(user) if c.journey.state == Journey.State.IN_PROGRESS]
    actions += [Action("journey", c.journey.reference, c.name, None) for c in mine if c.waiting_for_you]
    return PersonalHome(
        actions=actions[:SHOWN],
        in_progress=progress[:SHOWN],
        coming_up=reminders.coming_up(user.civil_id, today)[:SHOWN],
        journeys=mine[:SHOWN],
    )
