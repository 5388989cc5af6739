"""What a journey's member reads: the journey page (each step with its state, the overall
progress, who did what, links to each application) and the list of their journeys. A journey that
is not the person's answers 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sahl.applications.models import Application
from sahl.catalogue.models import Service
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import BilingualText
from sahl.core.compiled import CompiledRead
from sahl.core.errors import NotFound
from sahl.identity.models import User
from sahl.journeys import rules
from sahl.journeys.definition import JourneyDefinition, StepDefinition
from sahl.journeys.models import Entry, Journey, Step
from sahl.journeys.publishing import definition_of_version
from sahl.registry.adapters import registers

S = Step.State
STATE_TEXT = {state.value: state.label for state in S}  # each state in words, both languages


@dataclass(frozen=True)
class Answer:
    """One prefilled answer of an offer, as the person confirms it."""

    label: BilingualText
    value: BilingualText


@dataclass(frozen=True)
class StepView:
    key: str
    position: int
    name: BilingualText
    agency: BilingualText
    service_code: str
    runs: str
    state: str
    state_label: str
    reason: BilingualText | None
    application: Application | None
    due_on: Any
    waits_for: tuple[BilingualText, ...]  # earlier steps it waits for
    offer: tuple[Answer, ...]  # what confirming sends (an offer)
    yours: bool  # the viewer may act on it (a step whose applicants include the viewer's role)


@dataclass(frozen=True)
class HistoryLine:
    at: Any
    who: BilingualText | None  # a member's role, or None: Sahl itself
    step: BilingualText | None
    kind: str
    application_reference: str


@dataclass(frozen=True)
class JourneyPage:
    journey: Journey
    definition: JourneyDefinition
    role: str
    role_name: BilingualText
    members: tuple[tuple[BilingualText, BilingualText], ...]  # (role, person's name)
    steps: tuple[StepView, ...]
    done: int
    counted: int  # steps that apply
    history: tuple[HistoryLine, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 100


def journey_page(user: User, reference: str) -> JourneyPage:
    journey = (
        Journey.objects.filter(reference=reference, members__civil_id=user.civil_id)
        .select_related("version")
        .first()
    )
    if journey is None:
        raise NotFound("page.not_found")
    definition = definition_of_version(journey.version_id)
    members = list(journey.members.all())
    role = next(m.role for m in members if m.civil_id == user.civil_id)
    roles = {r.role: r.name for r in definition.members}
    names = registers().names([m.civil_id for m in members])
    steps = {s.key: s for s in journey.steps.select_related("application")}
    services = {
        s.code: s
        for s in Service.objects.filter(code__in=[x.service for x in definition.steps]).select_related(
            "agency", "current_version"
        )
    }
    facts = dict(journey.facts)
    views = tuple(_step(spec, steps, services, definition, facts, role) for spec in definition.steps)
    counted = [v for v in views if v.state != S.NOT_APPLICABLE]
    role_of = {m.civil_id: m.role for m in members}  # "" (Sahl itself) is nobody's
    history = tuple(
        HistoryLine(
            e.at,
            roles.get(role_of.get(e.actor_civil_id, "")),
            _name(definition.step(e.step), services) if e.step else None,
            e.kind,
            e.application_reference,
        )
        for e in Entry.objects.filter(journey=journey).order_by("at", "pk")
    )
    return JourneyPage(
        journey=journey,
        definition=definition,
        role=role,
        role_name=roles[role],
        members=tuple((roles[m.role], names[m.civil_id]) for m in members if m.civil_id in names),
        steps=views,
        done=sum(v.state == S.DONE for v in counted),
        counted=len(counted),
        history=history,
    )


def _name(spec: StepDefinition, services: Mapping[str, Service]) -> BilingualText:
    service = services.get(spec.service)
    fallback = (
        BilingualText(service.name_ar, service.name_en)
        if service
        else BilingualText(spec.service, spec.service)
    )
    return rules.step_name(spec, fallback)


def _step(
    spec: StepDefinition,
    steps: Mapping[str, Step],
    services: Mapping[str, Service],
    definition: JourneyDefinition,
    facts: Mapping[str, Any],
    role: str,
) -> StepView:
    step = steps[spec.key]
    service = services.get(spec.service)
    reason = BilingualText(step.reason_ar, step.reason_en) if step.reason_ar or step.reason_en else None
    waits = tuple(
        _name(definition.step(k), services)
        for k in spec.after
        if steps[k].state not in (S.DONE, S.NOT_APPLICABLE)
    )
    offer: tuple[Answer, ...] = ()
    if step.state == S.OFFERED and service is not None and service.current_version is not None:
        offer = _offer(spec, service, facts)
    return StepView(
        key=spec.key,
        position=step.position + 1,
        name=_name(spec, services),
        agency=BilingualText(service.agency.name_ar, service.agency.name_en)
        if service
        else BilingualText("", ""),
        service_code=spec.service,
        runs=spec.runs,
        state=step.state,
        state_label=str(S(step.state).label),
        reason=reason,
        application=step.application,
        due_on=step.due_on,
        waits_for=waits if step.state == S.PENDING else (),
        offer=offer,
        yours=role in spec.applicants,
    )


def _offer(spec: StepDefinition, service: Service, facts: Mapping[str, Any]) -> tuple[Answer, ...]:
    """The answers an offer sends, labelled as the service's form labels them; the child's civil
    ID reads as the child's name."""
    assert service.current_version is not None
    form = definition_of(service.current_version).form.get("properties", {})
    child = facts.get("child", {})
    shown = []
    for field, value in rules.answers_for(spec, facts).items():
        prop = form.get(field, {})
        label = BilingualText.from_dict(prop["title"]) if "title" in prop else BilingualText(field, field)
        if child and value == child.get("civil_id"):
            text = BilingualText(child["name_ar"], child["name_en"])
        elif str(value) in prop.get("x-enum-titles", {}):
            text = BilingualText.from_dict(prop["x-enum-titles"][str(value)])
        else:
            text = BilingualText(str(value), str(value))
        shown.append(Answer(label, text))
    return tuple(shown)


@dataclass(frozen=True)
class JourneyCard:
    journey: Journey
    name: BilingualText
    done: int
    counted: int
    waiting_for_you: int


JOURNEY_FIELDS = tuple(f.attname for f in Journey._meta.concrete_fields)
MY_JOURNEYS = 50  # journeys a list shows at most


def _my_steps(civil_id: str) -> QuerySet[Step, tuple[Any, ...]]:
    return (
        Step.objects.filter(journey__members__civil_id=civil_id)
        .order_by("-journey__started_at", "-journey_id", "position")
        .values_list("state", *(f"journey__{name}" for name in JOURNEY_FIELDS))[: MY_JOURNEYS * 12]
    )  # a journey has a dozen steps at most


_MY_STEPS = CompiledRead(Step, _my_steps, 1)  # read on every personal home: compiled once


def my_journeys(user: User) -> list[JourneyCard]:
    """The person's journeys, newest first, with their progress: one read (the steps, each with its
    journey's columns), whatever their number."""
    journeys: dict[int, Journey] = {}
    states: dict[int, list[str]] = {}
    for state, *columns in _MY_STEPS.rows(user.civil_id):
        journey_id = columns[0]
        if journey_id not in journeys:
            journeys[journey_id] = Journey.from_db(None, JOURNEY_FIELDS, columns)
        states.setdefault(journey_id, []).append(state)
    cards = []
    for journey_id, journey in list(journeys.items())[:MY_JOURNEYS]:
        definition = definition_of_version(journey.version_id)
        counted = [s for s in states[journey_id] if s != S.NOT_APPLICABLE]
        cards.append(
            JourneyCard(
                journey,
                definition.name,
                counted.count(S.DONE),
                len(counted),
                sum(s in (S.WAITING_FOR_YOU, S.OFFERED) for s in counted),
            )
        )
    return cards
