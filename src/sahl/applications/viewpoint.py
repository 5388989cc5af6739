"""One application as each person on it sees it: the applicant and the other parties (the seller
and the buyer of a car) each read their own role, the others by name (never by civil ID), whose
turn it is and what comes next. Pure: the caller reads the rows and the names (one query).

The applicant is the one who pays and answers the agency; a party agrees or declines. So the
buyer reads "the seller pays the fee; you have nothing to do now", not a paused clock and no Pay
button."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sahl.applications.labels import EVENTS
from sahl.applications.models import Application, HistoryEvent, Party
from sahl.applications.states import State
from sahl.catalogue.definition import ServiceDefinition
from sahl.core.bilingual import BilingualText
from sahl.core.languages import Wording, in_language

APPLICANT = pgettext_lazy("party role", "Applicant")
YOU = pgettext_lazy("who must act", "You")
NOBODY = pgettext_lazy("who must act", "Nobody")
SOMEONE = _("{name} ({role})")  # "Ahmad Al-Mutairi (Seller)"
UNKNOWN = pgettext_lazy("a person not in the register", "a person not in the register")

# Now: what the turn is. Then: what follows it. "You" and "they" read differently in Arabic, so
# each sentence the viewer is the subject of is its own.
YOUR_TURN_TO_AGREE = _(
    "It is your turn: agree or decline below. If you decline, the application is cancelled."
)
WAITING_FOR_AGREEMENT = _("Waiting for {names} to agree. You have nothing to do now.")
YOUR_TURN_TO_PAY = _("It is your turn: pay the fee below.")
THEY_PAY = _("{payer} pays the fee. You have nothing to do now.")
IN_REVIEW = _("{agency} is reviewing the application. Nobody needs to do anything now.")
YOUR_TURN_TO_ANSWER = _("It is your turn: answer the agency's request below.")
THEY_ANSWER = _("{agency} asked {payer} for more information. You have nothing to do now.")
DONE = _("Nothing more to do.")
YOU_DECLINED = _("You declined, so the application was cancelled.")
THEY_DECLINED = _("{names} declined, so the application was cancelled.")

THEN_YOU_PAY = _("Next: you pay the fee, then {agency} reviews the application.")
THEN_THEY_PAY = _("Next: {payer} pays the fee, then {agency} reviews the application.")
THEN_REVIEW = _("Next: {agency} reviews the application.")
THEN_AT_ONCE = _("Next: the application is decided at once.")
THEN_DECISION = _("Next: {agency} decides, by {date}.")
THEN_REVIEW_GOES_ON = _("Next: {agency} goes on with its review.")

PAUSED_FOR_YOU = _("paused while we wait for you")
PAUSED_FOR = _("paused while we wait for {name}")

# History steps as a party (not the applicant) reads them: nothing was asked of them, or sent to them.
FOR_A_PARTY = {
    HistoryEvent.Kind.INFO_REQUESTED: pgettext_lazy(
        "application history", "The agency asked for information"
    ),
    HistoryEvent.Kind.INFO_PROVIDED: pgettext_lazy(
        "application history", "The information asked for was sent"
    ),
    HistoryEvent.Kind.REFUNDED: pgettext_lazy("application history", "The fee was refunded"),
}
YOU_AGREED = pgettext_lazy("application history", "You agreed")
YOU_REFUSED = pgettext_lazy("application history", "You declined")
AGREED = pgettext_lazy("application history", "Agreement given ({role})")
REFUSED = pgettext_lazy("application history", "Agreement refused ({role})")


@dataclass(frozen=True)
class Person:
    """Someone on the application as the viewer reads them."""

    role: Wording  # "Seller"
    name: Wording  # from the population register
    consent: str  # Party.Consent
    is_me: bool

    @property
    def named(self) -> Wording:
        return format_lazy(SOMEONE, name=self.name, role=self.role)


@dataclass(frozen=True)
class Turn:
    """Who must act now, what that is, and what comes after."""

    who: Wording
    now: Wording
    then: Wording | None
    mine: bool  # the viewer must act


@dataclass(frozen=True)
class Viewpoint:
    applicant: Person  # who filed it (or the one it was filed for): they pay and answer the agency
    me: Person | None  # the viewer's own party row, when they are a party and not the applicant
    people: list[Person]  # everyone on it but the applicant, the viewer included (as "You")
    turn: Turn
    paused: Wording | None  # why the service-level clock is stopped, as the viewer reads it
    history: list[tuple[HistoryEvent, Wording]]  # each step with its label, as the viewer reads it


def _in_current_language(text: Wording) -> str:
    return in_language(text, get_language())


# Data in both languages (a name, a role) read in the language active when the text is shown, so
# it can sit inside a sentence that gettext translates (format_lazy).
_read = lazy(_in_current_language, str)


def _role_names(definition: ServiceDefinition) -> dict[str, Wording]:
    return {party.role: _read(party.name) for party in definition.parties}


def viewpoint(
    application: Application,
    definition: ServiceDefinition,
    parties: list[Party],
    names: Mapping[str, BilingualText],
    viewer: str,
    is_applicant: bool,
    history: list[HistoryEvent],
) -> Viewpoint:
    """The application seen by `viewer` (the civil ID they act as). `names` are the register's
    names of the people on it (the viewer's may be missing: they read "You")."""
    roles = _role_names(definition)
    own_role = next(
        (roles[p.role] for p in definition.parties if p.is_applicant and p.role in roles), APPLICANT
    )
    subject = application.subject_civil_id
    applicant = Person(
        own_role, YOU if is_applicant else _name(names, subject), Party.Consent.GIVEN, is_applicant
    )
    people = [
        Person(
            roles.get(p.role, p.role),
            YOU if p.civil_id == viewer and not is_applicant else _name(names, p.civil_id),
            p.consent,
            p.civil_id == viewer and not is_applicant,
        )
        for p in parties
        if p.civil_id != subject
    ]
    me = next((p for p in people if p.is_me), None)
    paused = None
    if application.paused_since:
        paused = PAUSED_FOR_YOU if is_applicant else format_lazy(PAUSED_FOR, name=applicant.named)
    my_role = next((p.role for p in parties if p.civil_id == viewer and not is_applicant), None)
    return Viewpoint(
        applicant,
        me,
        people,
        _turn(application, definition, applicant, people, me),
        paused,
        _history(history, roles, my_role, is_applicant),
    )


def _name(names: Mapping[str, BilingualText], civil_id: str) -> Wording:
    found = names.get(civil_id)
    return _read(found) if found is not None else UNKNOWN


def _turn(
    application: Application,
    definition: ServiceDefinition,
    applicant: Person,
    people: list[Person],
    me: Person | None,
) -> Turn:
    agency = _read(application.agency.name)
    state = State(application.state)
    paying = application.fee_fils > 0
    after_paying = (
        THEN_AT_ONCE if definition.processing == "automatic" else format_lazy(THEN_REVIEW, agency=agency)
    )
    if state == State.SUBMITTED:
        waiting = [p for p in people if p.consent == Party.Consent.PENDING]
        then: Wording
        if paying:
            then = (
                format_lazy(THEN_YOU_PAY, agency=agency)
                if applicant.is_me
                else format_lazy(THEN_THEY_PAY, payer=applicant.named, agency=agency)
            )
        else:
            then = after_paying
        if me is not None and me.consent == Party.Consent.PENDING:
            return Turn(YOU, YOUR_TURN_TO_AGREE, then, True)
        if waiting:
            names = _joined([p.named for p in waiting])
            return Turn(names, format_lazy(WAITING_FOR_AGREEMENT, names=names), then, False)
    if state == State.AWAITING_PAYMENT:
        if applicant.is_me:
            return Turn(YOU, YOUR_TURN_TO_PAY, after_paying, True)
        return Turn(applicant.named, format_lazy(THEY_PAY, payer=applicant.named), after_paying, False)
    if state == State.IN_REVIEW:
        due = application.due_on
        then_decides = format_lazy(THEN_DECISION, agency=agency, date=due.isoformat()) if due else None
        return Turn(agency, format_lazy(IN_REVIEW, agency=agency), then_decides, False)
    if state == State.ACTION_NEEDED:
        review_goes_on = format_lazy(THEN_REVIEW_GOES_ON, agency=agency)
        if applicant.is_me:
            return Turn(YOU, YOUR_TURN_TO_ANSWER, review_goes_on, True)
        return Turn(
            applicant.named,
            format_lazy(THEY_ANSWER, agency=agency, payer=applicant.named),
            review_goes_on,
            False,
        )
    if state == State.CANCELLED:
        declined = [p for p in people if p.consent == Party.Consent.DECLINED]
        if me is not None and me.consent == Party.Consent.DECLINED:
            return Turn(NOBODY, YOU_DECLINED, None, False)
        if declined:
            return Turn(
                NOBODY, format_lazy(THEY_DECLINED, names=_joined([p.named for p in declined])), None, False
            )
    return Turn(NOBODY, DONE, None, False)


def _joined(items: list[Wording]) -> Wording:
    """Names one after the other ("A (Buyer)، B (Witness)" in Arabic, with a comma in English)."""
    if len(items) == 1:
        return items[0]
    parts = _interleave(items)
    return format_lazy("{}" * len(parts), *parts)


_COMMA = pgettext_lazy("between names", ", ")


def _interleave(items: list[Wording]) -> list[Wording]:
    out: list[Wording] = []
    for i, item in enumerate(items):
        if i:
            out.append(_COMMA)
        out.append(item)
    return out


def _history(
    history: list[HistoryEvent], roles: Mapping[str, Wording], my_role: str | None, is_applicant: bool
) -> list[tuple[HistoryEvent, Wording]]:
    """Each step of the history as this viewer reads it: their own agreement as theirs, another's
    by its role, and what was asked of the applicant without "you" for a party."""
    labelled = []
    for event in history:
        label: Wording = EVENTS.get(event.kind, event.kind)  # type: ignore[call-overload]
        if event.kind in (HistoryEvent.Kind.CONSENT_GIVEN, HistoryEvent.Kind.CONSENT_DECLINED):
            agreed = event.kind == HistoryEvent.Kind.CONSENT_GIVEN
            if my_role is not None and event.note == my_role:
                label = YOU_AGREED if agreed else YOU_REFUSED
            else:
                label = format_lazy(AGREED if agreed else REFUSED, role=roles.get(event.note, event.note))
        elif not is_applicant and event.kind in FOR_A_PARTY:
            label = FOR_A_PARTY[event.kind]  # type: ignore[index]
        labelled.append((event, label))
    return labelled
