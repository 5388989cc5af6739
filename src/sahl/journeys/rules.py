"""Journeys' rules, plain functions: when a step may move, what it is prefilled with, what state an
application puts its step in, and what a person who starts a journey themselves must say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sahl.applications.models import Application
from sahl.applications.states import State as AppState
from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, SahlError
from sahl.core.languages import in_both
from sahl.journeys import definition as d
from sahl.journeys.models import Step
from sahl.registry.facts import EXAMPLE, ApplicantFacts

S = Step.State
# A step's earlier steps have ended well enough for it to go: done, or not for this family.
_LETS_GO = (S.DONE, S.NOT_APPLICABLE)
FAILED_NEXT = _(
    "{why} You can apply for this service yourself from its page, or ask the agency; the other steps go on."
)
REJECTED = _("The agency refused the application: {why}")


def ready(spec: d.StepDefinition, steps: Mapping[str, Step]) -> bool:
    return all(steps[key].state in _LETS_GO for key in spec.after)


def holds(source: str, facts: Mapping[str, Any]) -> bool:
    return d.holds(source, facts)


def nobody() -> dict[str, Any]:
    """The facts of a role nobody holds (a birth notified without a father): every condition on
    them is false, none fails to evaluate."""
    empty: dict[str, Any] = {}
    for key, value in EXAMPLE.items():
        empty[key] = (
            False
            if isinstance(value, bool)
            else 0
            if isinstance(value, int)
            else []
            if isinstance(value, list)
            else ""
        )
    return empty


def answers_for(spec: d.StepDefinition, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The step's form as Sahl fills it: its fixed answers, then the values its paths point at."""
    answers = dict(spec.answers)
    for field, path in spec.prefill.items():
        try:
            value = d.resolve(path, facts)
        except KeyError:
            continue  # e.g. a role nobody holds: the person fills it in
        if value not in ("", None):
            answers[field] = value
    return answers


def as_filed_by(facts: Mapping[str, Any], roles: tuple[str, ...], civil_id: str) -> dict[str, Any]:
    """The facts as one member files a step: `other` is the other member's (the mother, when the
    father files; the wife, when the husband does)."""
    others = [r for r in roles if facts.get(r, {}).get("civil_id") not in ("", civil_id)]
    return {**facts, "other": facts[others[0]] if len(others) == 1 else nobody()}


def failed_reason(why: BilingualText) -> BilingualText:
    worded = in_both(FAILED_NEXT)
    return BilingualText(worded["ar"].format(why=why.ar), worded["en"].format(why=why.en))


def step_state_of(state: str, decision_reason: str) -> tuple[str | None, BilingualText | None]:
    """What state an application puts its step in; None: withdrawn or cancelled (the step goes
    back to waiting)."""
    if state in (AppState.APPROVED, AppState.COMPLETED):
        return S.DONE, None
    if state == AppState.REJECTED:
        worded = in_both(REJECTED)
        why = decision_reason.strip() or "—"
        refused = BilingualText(worded["ar"].format(why=why), worded["en"].format(why=why))
        return S.FAILED, failed_reason(refused)
    if state in (AppState.CANCELLED, AppState.WITHDRAWN):
        return None, None
    if state == AppState.DRAFT:
        return S.WAITING_FOR_YOU, None
    return S.IN_PROGRESS, None


def same_subject(spec: d.StepDefinition, facts: Mapping[str, Any], application: Application) -> bool:
    """Whether an application filed from the catalogue is this step's: for a child's step, it names
    the journey's child."""
    child = facts.get("child", {}).get("civil_id")
    if child and "child_civil_id" in spec.prefill:
        return bool(application.form_data.get("child_civil_id") == child)
    return True


def step_name(spec: d.StepDefinition, service_name: BilingualText) -> BilingualText:
    return spec.name or service_name


def median(values: list[int]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


@dataclass(frozen=True)
class OwnStart:
    facts: dict[str, Any]
    members: dict[str, str]
    happened_on: dt.date


def own_start(
    definition: d.JourneyDefinition, facts: ApplicantFacts, answers: Mapping[str, str], today: dt.date
) -> OwnStart:
    """A married journey a person starts themselves (married abroad): the spouse's civil ID and the
    date; the person and the spouse are its members by their sexes."""
    if definition.starts_on != "register.marriage_recorded":
        raise BadInput("journey.cannot_start")
    try:
        spouse = str(CivilId.parse(str(answers.get("spouse_civil_id", ""))))
        married_on = dt.date.fromisoformat(str(answers.get("married_on", "")))
    except (SahlError, ValueError):
        raise BadInput("journey.start_details") from None
    if married_on > today or spouse == facts["civil_id"]:
        raise BadInput("journey.start_details")
    me = facts["civil_id"]
    husband, wife = (me, spouse) if facts["sex"] == "M" else (spouse, me)
    contract = str(answers.get("contract_number", "")).strip()[:30]
    marriage = {"married_on": married_on.isoformat(), "contract_number": contract, "abroad": True}
    return OwnStart({"marriage": marriage}, {"husband": husband, "wife": wife}, married_on)
