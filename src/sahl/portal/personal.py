"""The home page of a person who is logged in: what needs their action, what is in progress with its
due date, what is coming up (documents nearing their expiry, with one tap to renew), and their
journeys in progress. A fixed number of reads, whatever the person holds (tested): their open
application cards, the consents asked of them, their journeys and their steps, and their documents
nearing expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, Value

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


# What the person's applications ask of them, in one read compiled once (core.compiled): their open
# cards, and the consents asked of them as a party (first, by the newest application). Django would
# build and compile each anew on every visit, which cost more than PostgreSQL takes to answer them;
# two reads were two round trips. No part is ordered or cut on its own (SQLite refuses that in a
# UNION): the whole is, with room for both parts' shares.
CONSENT, CARD = 0, 1


def _asked_of(civil_id: str) -> Any:
    open_cards = ApplicationCard.objects.filter(civil_id=civil_id, state__in=OPEN).annotate(kind=Value(CARD))
    cards = open_cards.values_list(
        "kind",
        "reference",
        "role",
        "state",
        "due_on",
        "service_name_ar",
        "service_name_en",
        "agency_name_ar",
        "agency_name_en",
        "created_at",
        "application_id",
    )
    asked = Party.objects.filter(
        civil_id=civil_id, consent=Party.Consent.PENDING, application__state=State.SUBMITTED
    ).annotate(kind=Value(CONSENT), no_date=Value(None, output_field=DateField()))
    consents = asked.values_list(
        "kind",
        "application__reference",
        "role",
        "application__state",
        "no_date",
        "application__service__name_ar",
        "application__service__name_en",
        "application__agency__name_ar",
        "application__agency__name_en",
        "application__created_at",
        "application_id",
    )
    return cards.union(consents, all=True).order_by("kind", "-created_at", "-application_id")[: 200 + SHOWN]


_ASKED_OF = CompiledRead(ApplicationCard, _asked_of, 1)


def personal_home(user: User, today: dt.date) -> PersonalHome:
    actions: list[Action] = []
    progress: list[InProgress] = []
    for kind, reference, role, state, due_on, *names, _, _ in _ASKED_OF.rows(user.civil_id):
        name, agency = BilingualText(names[0], names[1]), BilingualText(names[2], names[3])
        if kind == CONSENT:
            if len(actions) < SHOWN:
                actions.append(Action("consent", reference, name, agency))
        elif role != "subject":
            continue  # a party's own part is asked above (consent); the rest is the applicant's
        elif state == State.ACTION_NEEDED:
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
