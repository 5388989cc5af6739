"""Journeys' use cases: start a journey (by itself from a register event, or by a person), move its
steps on (file what runs by itself, offer, prepare drafts), follow the
applications filed for its steps, and confirm an offer.

A step's state is set from its application's state whenever that application moves, so a journey
heard twice, or a listener that ran again, lands in the same place. Filing for a step carries an
idempotency key made of the journey and the step: a step is never filed twice."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.utils import timezone

from sahl.applications import clock, filing, responding
from sahl.applications.models import Application, Decision, IssuedDocument, Party
from sahl.applications.states import State as AppState
from sahl.catalogue.models import Service
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, NotFound, SahlError
from sahl.core.messages import both
from sahl.events.services import announce
from sahl.events.types import JourneyCompleted, JourneyStarted, JourneyStepMoved
from sahl.identity.models import User
from sahl.journeys import rules
from sahl.journeys.definition import BY_ITSELF, OFFER, JourneyDefinition, StepDefinition
from sahl.journeys.models import Entry, Journey, Member, Step
from sahl.journeys.publishing import current_version, definition_of_version
from sahl.registry.adapters import registers

log = logging.getLogger("sahl.journeys")
# The journey being started in this context: its steps' moves are told in its one start message.
_starting: ContextVar[int | None] = ContextVar("journey_starting", default=None)
S = Step.State


# --- Starting ---------------------------------------------------------------------------------


def start_from_birth(record: str) -> Journey | None:
    """The newborn journey for a birth the registers recorded (once per birth)."""
    birth = registers().birth(record)
    if birth is None:
        log.warning("a recorded birth is not in the register", extra={"record": record})
        return None
    child = birth.child
    facts = {
        "child": {
            "civil_id": child.civil_id,
            "name_ar": child.name.ar,
            "name_en": child.name.en,
            "birth_date": child.birth_date.isoformat(),
            "sex": birth.sex,
            "nationality": birth.nationality,
            "is_kuwaiti": birth.nationality == "KW",
        },
        "birth": {"hospital": birth.hospital, "notification_number": birth.notification_number},
    }
    members = {"father": child.father_civil_id, "mother": child.mother_civil_id}
    return _start("newborn", record, facts, members, child.birth_date, started_by=None)


def start_from_marriage(record: str) -> Journey | None:
    """The married journey for a marriage contract the registers recorded (once per contract)."""
    marriage = registers().marriage(record)
    if marriage is None:
        log.warning("a recorded marriage is not in the register", extra={"record": record})
        return None
    facts = {
        "marriage": {
            "married_on": marriage.married_on.isoformat(),
            "contract_number": marriage.contract_number,
            "abroad": False,
        }
    }
    members = {"husband": marriage.husband_civil_id, "wife": marriage.wife_civil_id}
    return _start("married", record, facts, members, marriage.married_on, started_by=None)


def start_myself(user: User, code: str, answers: dict[str, str]) -> Journey:
    """A person starts a journey whose event happened elsewhere (a marriage abroad): the same page,
    with what the registers and the person say. Only journeys that allow it; once per person."""
    _, definition = current_version(code)
    if not definition.can_start_yourself:
        raise NotFound("page.not_found")
    today = clock.today()
    profile = registers().profile(user.civil_id, today)
    if profile is None:
        raise BadInput("journey.not_in_register")
    started = rules.own_start(definition, profile.facts, answers, today)
    record = f"{code}:{user.civil_id}:{started.happened_on.isoformat()}"
    journey = _start(code, record, started.facts, started.members, started.happened_on, started_by=user)
    assert journey is not None
    return journey


def _start(
    code: str,
    record: str,
    facts: dict[str, Any],
    members: dict[str, str],
    happened_on: dt.date,
    started_by: User | None,
) -> Journey | None:
    version, definition = current_version(code)
    with transaction.atomic():
        existing = Journey.objects.filter(code=code, record=record).first()
        if existing is not None:
            return existing
        journey = Journey.objects.create(
            reference=_new_reference(),
            version=version,
            code=code,
            record=record,
            facts=facts,
            happened_on=happened_on,
        )
        Member.objects.bulk_create(
            [Member(journey=journey, civil_id=cid, role=role) for role, cid in members.items() if cid]
        )
        Step.objects.bulk_create(
            [Step(journey=journey, key=s.key, position=i) for i, s in enumerate(definition.steps)]
        )
        Entry.objects.create(
            journey=journey, kind="started", actor_civil_id=started_by.civil_id if started_by else ""
        )
        # The steps that move at the start are told in the one message that announces it.
        token = _starting.set(journey.pk)
        try:
            advance(journey)
        finally:
            _starting.reset(token)
        steps = {st.key: st.state for st in journey.steps.all()}
        done = [
            rules.step_name(sp, _service_name(sp.service))
            for sp in definition.steps
            if steps[sp.key] == S.DONE
        ]
        announce(
            JourneyStarted(
                journey_id=journey.pk,
                reference=journey.reference,
                name_ar=definition.name.ar,
                name_en=definition.name.en,
                user_ids=_accounts(journey),
                done_ar="، ".join(n.ar for n in done),
                done_en=", ".join(n.en for n in done),
                waiting=sum(state in (S.WAITING_FOR_YOU, S.OFFERED) for state in steps.values()),
            )
        )
    return journey


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    return "J-" + "".join(secrets.choice(alphabet) for _ in range(10))


# --- Moving on --------------------------------------------------------------------------------


def advance(journey: Journey) -> None:
    """Move every step that can move: decide whether it applies, then file it (by itself), offer
    it, or prepare its form. Repeats until nothing moves (a step done lets the next ones go)."""
    definition = definition_of_version(journey.version_id)
    with transaction.atomic():
        Journey.objects.select_for_update().filter(pk=journey.pk).first()  # one mover at a time
        for _ in range(len(definition.steps) + 1):
            steps = {s.key: s for s in journey.steps.all()}
            moved = False
            facts = _facts(journey, definition, steps)
            for spec in definition.steps:
                step = steps[spec.key]
                if step.state != S.PENDING or not rules.ready(spec, steps):
                    continue
                moved = True
                # Steps moved since the facts were read (this pass): what they are and gave now.
                facts["steps"] = {key: other.state for key, other in steps.items()}
                if any(path.startswith("outputs.") for path in spec.prefill.values()):
                    facts["outputs"] = _outputs(steps)
                if not rules.holds(spec.when, facts):
                    reason = spec.reason or BilingualText("", "")
                    _move(journey, definition, step, S.NOT_APPLICABLE, reason=reason)
                elif spec.runs == BY_ITSELF:
                    _run_by_itself(journey, definition, spec, step, facts)
                elif spec.runs == OFFER:
                    _move(journey, definition, step, S.OFFERED)
                else:
                    _prepare_form(journey, definition, spec, step, facts)
            if not moved:
                break
        _finish_if_done(journey, definition)


def _facts(journey: Journey, definition: JourneyDefinition, steps: dict[str, Step]) -> dict[str, Any]:
    today = clock.today()
    members = {m.role: m.civil_id for m in journey.members.all()}
    facts: dict[str, Any] = dict(journey.facts)
    for role in definition.roles:
        profile = registers().profile(members[role], today) if role in members else None
        facts[role] = dict(profile.facts) if profile else rules.nobody()
    facts["steps"] = {key: step.state for key, step in steps.items()}
    facts["outputs"] = _outputs(steps)
    return facts


def _outputs(steps: dict[str, Step]) -> dict[str, dict[str, str]]:
    """What the done steps gave: their application's reference and first document's number."""
    done = {s.application_id: key for key, s in steps.items() if s.state == S.DONE and s.application_id}
    outputs = {key: {"reference": steps[key].application.reference} for key in done.values()}  # type: ignore[union-attr]
    documents = IssuedDocument.objects.filter(application_id__in=list(done)).order_by("pk")
    for application_id, code in documents.values_list("application_id", "verification_code"):
        outputs[done[application_id]].setdefault("document", code)
    return outputs


def _applicants(journey: Journey, spec: StepDefinition) -> list[User]:
    """The step's possible applicants with an account, in the definition's order."""
    members = {m.role: m.civil_id for m in journey.members.all()}
    wanted = [members[role] for role in spec.applicants if role in members]
    users = {u.civil_id: u for u in User.objects.filter(civil_id__in=wanted, is_active=True)}
    return [users[cid] for cid in wanted if cid in users]


def _key(journey: Journey, spec: StepDefinition) -> str:
    return f"journey:{journey.reference}:{spec.key}"


def _run_by_itself(
    journey: Journey, definition: JourneyDefinition, spec: StepDefinition, step: Step, facts: dict[str, Any]
) -> None:
    refusal: SahlError | None = None
    for user in _applicants(journey, spec):
        answers = rules.answers_for(spec, rules.as_filed_by(facts, definition.roles, user.civil_id))
        try:
            with transaction.atomic():
                application = filing.submit(user, spec.service, answers, {}, _key(journey, spec))
        except SahlError as refused:
            refusal = refusal or refused
            continue
        _follow(journey, definition, step, application, by_itself=True, actor="")
        return
    if refusal is None:  # nobody has an account yet: the first to open Sahl confirms it
        _move(journey, definition, step, S.OFFERED)
        return
    _move(journey, definition, step, S.FAILED, reason=rules.failed_reason(in_both_error(refusal)))


def in_both_error(error: SahlError) -> BilingualText:
    """An error as the person would have read it, in both languages (the platform's wording)."""
    worded = both(error.code, **error.params)
    return BilingualText(worded["ar"], worded["en"])


def _prepare_form(
    journey: Journey, definition: JourneyDefinition, spec: StepDefinition, step: Step, facts: dict[str, Any]
) -> None:
    """A form step waits for a person; their draft is filled in already with what Sahl knows."""
    for user in _applicants(journey, spec):
        answers = rules.answers_for(spec, rules.as_filed_by(facts, definition.roles, user.civil_id))
        try:
            with transaction.atomic():
                draft = filing.save_draft(user, spec.service, answers)
        except SahlError:
            continue  # not eligible as this member: the next one, or the page's own form
        step.application = draft
        break
    _move(journey, definition, step, S.WAITING_FOR_YOU)


def application_moved(application_id: int) -> None:
    """An application moved: if it serves a journey's step, the step follows it."""
    application = Application.objects.select_related("service", "applicant").filter(pk=application_id).first()
    if application is None or application.state == AppState.DRAFT:
        return
    step = _step_for(application)
    if step is None:
        return
    journey = step.journey
    definition = definition_of_version(journey.version_id)
    with transaction.atomic():
        Journey.objects.select_for_update().filter(pk=journey.pk).first()
        step.refresh_from_db()
        by_itself = definition.step(step.key).runs == BY_ITSELF
        actor = "" if by_itself else application.applicant.civil_id
        _follow(journey, definition, step, application, by_itself=by_itself, actor=actor)
        advance(journey)


def _step_for(application: Application) -> Step | None:
    """The step this application serves: the one it was filed or drafted for, else an open step of
    the same service in a journey of the person's (they applied from the catalogue)."""
    linked = Step.objects.select_related("journey").filter(application_id=application.pk).first()
    if linked is not None:
        return linked
    members = Member.objects.filter(
        civil_id__in=[application.subject_civil_id, application.applicant.civil_id],
        journey__state=Journey.State.IN_PROGRESS,
    ).values_list("journey_id", flat=True)
    for step in Step.objects.select_related("journey").filter(
        journey_id__in=list(members), state__in=(S.WAITING_FOR_YOU, S.OFFERED, S.FAILED)
    ):
        spec = definition_of_version(step.journey.version_id).step(step.key)
        if spec.service == application.service.code and rules.same_subject(
            spec, step.journey.facts, application
        ):
            return step
    return None


def _follow(
    journey: Journey,
    definition: JourneyDefinition,
    step: Step,
    application: Application,
    *,
    by_itself: bool,
    actor: str,
) -> None:
    """Set the step from its application's state."""
    state, reason = rules.step_state_of(application.state, _decision_reason(application))
    if state is None:  # withdrawn or cancelled: back to what it was before the person acted
        spec = definition.step(step.key)
        state = S.OFFERED if spec.runs in (OFFER, BY_ITSELF) else S.WAITING_FOR_YOU
        application = None  # type: ignore[assignment]
    step.application = application
    step.due_on = application.due_on if application is not None else None
    _move(journey, definition, step, state, reason=reason, by_itself=by_itself, actor=actor)
    if application is not None and application.state == AppState.SUBMITTED:
        _reuse_consents(journey, step, application)


def _reuse_consents(journey: Journey, step: Step, application: Application) -> None:
    """A member asked again to agree, in the same journey, after agreeing to an earlier step's
    application, is not asked again: their consent is given for them, and the history of both the
    application (consent given) and the journey (consent reused) says so."""
    members = set(journey.members.values_list("civil_id", flat=True))
    pending = [
        p.civil_id
        for p in Party.objects.filter(application=application, consent=Party.Consent.PENDING)
        if p.civil_id in members
    ]
    if not pending:
        return
    earlier = [a for a in journey.steps.exclude(pk=step.pk).values_list("application_id", flat=True) if a]
    agreed = set(
        Party.objects.filter(
            application_id__in=earlier, civil_id__in=pending, consent=Party.Consent.GIVEN
        ).values_list("civil_id", flat=True)
    )
    for user in User.objects.filter(civil_id__in=sorted(agreed), is_active=True).order_by("pk"):
        responding.answer_consent(user, application.reference, agree=True)
        Entry.objects.create(
            journey=journey,
            step=step.key,
            kind="consent_reused",
            actor_civil_id=user.civil_id,
            application_reference=application.reference,
        )


def _decision_reason(application: Application) -> str:
    """The agency's reason for a refusal, as the person reads it on the application."""
    if application.state != AppState.REJECTED:
        return ""
    decision = Decision.objects.filter(application=application).first()
    return decision.reason if decision is not None else ""


def _move(
    journey: Journey,
    definition: JourneyDefinition,
    step: Step,
    state: str,
    *,
    reason: BilingualText | None = None,
    by_itself: bool = False,
    actor: str = "",
) -> None:
    changed = step.state != state
    step.state = state
    step.reason_ar, step.reason_en = (reason.ar, reason.en) if reason else ("", "")
    step.save()
    if not changed:
        return
    reference = step.application.reference if step.application_id and step.application else ""
    Entry.objects.create(
        journey=journey, step=step.key, kind=state, actor_civil_id=actor, application_reference=reference
    )
    if _starting.get() == journey.pk:
        return  # told in the journey's start message
    if state in (S.DONE, S.FAILED, S.OFFERED, S.WAITING_FOR_YOU) and (by_itself or state != S.DONE):
        spec = definition.step(step.key)
        name = rules.step_name(spec, _service_name(spec.service))
        announce(
            JourneyStepMoved(
                journey_id=journey.pk,
                reference=journey.reference,
                name_ar=definition.name.ar,
                name_en=definition.name.en,
                user_ids=_accounts(journey),
                step=step.key,
                state=state,
                step_name_ar=name.ar,
                step_name_en=name.en,
                by_itself=by_itself,
            )
        )


def _service_name(code: str) -> BilingualText:
    service = Service.objects.filter(code=code).first()
    return BilingualText(service.name_ar, service.name_en) if service else BilingualText(code, code)


def _finish_if_done(journey: Journey, definition: JourneyDefinition) -> None:
    states = set(journey.steps.values_list("state", flat=True))
    if states <= {S.DONE, S.NOT_APPLICABLE} and journey.state != Journey.State.COMPLETED:
        journey.state, journey.finished_at = Journey.State.COMPLETED, timezone.now()
        journey.save(update_fields=["state", "finished_at"])
        Entry.objects.create(journey=journey, kind="completed")
        announce(JourneyCompleted(journey_id=journey.pk, reference=journey.reference, code=journey.code))


def _accounts(journey: Journey) -> tuple[int, ...]:
    civil_ids = list(journey.members.values_list("civil_id", flat=True))
    return tuple(
        User.objects.filter(civil_id__in=civil_ids, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- What a person does -------------------------------------------------------------------------


def confirm(user: User, reference: str, key: str) -> Step:
    """Confirm a proactive offer with one tap: it is filed with the answers the person was shown."""
    journey = _journey_of(user, reference)
    definition = definition_of_version(journey.version_id)
    step = journey.steps.filter(key=key).first()
    if step is None:
        raise NotFound("page.not_found")
    if step.state != S.OFFERED:
        return step  # confirmed already (a second tap, another member): nothing more
    spec = definition.step(key)
    facts = _facts(journey, definition, {s.key: s for s in journey.steps.all()})
    answers = rules.answers_for(spec, rules.as_filed_by(facts, definition.roles, user.civil_id))
    application = filing.submit(user, spec.service, answers, {}, _key(journey, spec))
    with transaction.atomic():
        Journey.objects.select_for_update().filter(pk=journey.pk).first()
        step.refresh_from_db()
        Entry.objects.create(
            journey=journey,
            step=key,
            kind="confirmed",
            actor_civil_id=user.civil_id,
            application_reference=application.reference,
        )
        _follow(journey, definition, step, application, by_itself=False, actor=user.civil_id)
        advance(journey)
    return step


def _journey_of(user: User, reference: str) -> Journey:
    """A journey the person is a member of; any other answers 404, as if it did not exist."""
    journey = Journey.objects.filter(reference=reference, members__civil_id=user.civil_id).first()
    if journey is None:
        raise NotFound("page.not_found")
    return journey
