"""The home page of a person who is logged in: what needs their action, what is in progress with its
due date, what is coming up (documents nearing their expiry, with one tap to renew), and their
journeys in progress. A fixed number of reads, whatever the person holds (tested): their open
application cards, the consents asked of them, their journeys and their steps, and their documents
nearing expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from sahl.applications.models import ApplicationCard, Party
from sahl.applications.states import State
from sahl.core.bilingual import BilingualText
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


def personal_home(user: User, today: dt.date) -> PersonalHome:
    cards = list(
        ApplicationCard.objects.filter(civil_id=user.civil_id, state__in=OPEN).order_by(
            "-created_at", "-application"
        )[:200]
    )
    consents = list(
        Party.objects.filter(civil_id=user.civil_id, consent=Party.Consent.PENDING)
        .filter(Q(application__state=State.SUBMITTED))
        .select_related("application__service", "application__agency")
        .order_by("-application__created_at")[:SHOWN]
    )
    actions = [
        Action(
            "consent",
            p.application.reference,
            BilingualText(p.application.service.name_ar, p.application.service.name_en),
            BilingualText(p.application.agency.name_ar, p.application.agency.name_en),
        )
        for p in consents
    ]
    progress = []
    for card in cards:
        name = BilingualText(card.service_name_ar, card.service_name_en)
        agency = BilingualText(card.agency_name_ar, card.agency_name_en)
        if card.role != "subject":
            continue  # a party's own part is asked above (consent); the rest is the applicant's
        if card.state == State.ACTION_NEEDED:
            actions.append(Action("information", card.reference, name, agency))
        elif card.state == State.AWAITING_PAYMENT:
            actions.append(Action("payment", card.reference, name, agency))
        else:
            progress.append(InProgress(card.reference, name, agency, card.state, card.due_on))
    mine = [c for c in journeys.my_journeys(user) if c.journey.state == Journey.State.IN_PROGRESS]
    actions += [Action("journey", c.journey.reference, c.name, None) for c in mine if c.waiting_for_you]
    return PersonalHome(
        actions=actions[:SHOWN],
        in_progress=progress[:SHOWN],
        coming_up=reminders.coming_up(user.civil_id, today)[:SHOWN],
        journeys=mine[:SHOWN],
    )
