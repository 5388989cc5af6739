"""A journey definition: one YAML file per journey under journeys/definitions/, bilingual, checked
when it is loaded (docs/journeys.md describes the format).

A definition names the register event that starts it, who takes part (roles), and its steps: each a
catalogue service with a condition in the eligibility rules' language (CEL), the answers it is
prefilled with (fixed values, and paths into what the event said), the steps it waits for, and how it
runs: by itself, as an offer the person confirms, or as a form they fill in.

Everything a step names is checked at load against the published catalogue: an unknown service, a
rule that does not compile or names an unknown field, a prefill path that does not exist or a form
field the service does not have refuses the file with a message that says where."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import celpy
from celpy import celtypes

from sahl.catalogue.rules import RuleError, run_rule
from sahl.core.bilingual import BilingualText
from sahl.registry.facts import EXAMPLE

BY_ITSELF, OFFER, FORM = "by_itself", "offer", "form"
RUNS = (BY_ITSELF, OFFER, FORM)

# What each starting event tells the steps, with an example of each value (conditions are checked
# against it). Roles' facts are the registers' (`registry.facts.ApplicantFacts`, as `applicant.*`).
EVENT_FACTS: dict[str, dict[str, dict[str, Any]]] = {
    "register.birth_recorded": {
        "child": {
            "civil_id": "325010112345",
            "name_ar": "سارة",
            "name_en": "Sara",
            "birth_date": "2025-01-01",
            "sex": "F",
            "nationality": "KW",
            "is_kuwaiti": True,
        },
        "birth": {"hospital": "maternity", "notification_number": "B-2025-000001"},
    },
    "register.marriage_recorded": {
        "marriage": {"married_on": "2025-01-01", "contract_number": "MC-2025-000001", "abroad": False},
    },
}
# What a done step gives the later ones (`outputs.<step>.<what>`): its application's reference, and
# the number (verification code) of the first document it issued.
OUTPUTS = ("reference", "document")
STEP_STATES = ("pending", "waiting_for_you", "offered", "in_progress", "done", "not_applicable", "failed")
_KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_NAMED = re.compile(r"\b([a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)")
_TOP = {
    "code",
    "name",
    "summary",
    "description",
    "keywords",
    "starts_on",
    "members",
    "steps",
    "can_start_yourself",
}
_STEP = {"key", "service", "name", "runs", "applicant", "after", "when", "reason", "answers", "prefill"}


class JourneyDefinitionError(ValueError):
    """A journey definition that cannot be published; the message says which file and where."""


@dataclass(frozen=True)
class Role:
    role: str
    name: BilingualText


@dataclass(frozen=True)
class StepDefinition:
    key: str
    service: str
    name: BilingualText | None  # the service's name when absent
    runs: str
    applicants: tuple[str, ...]  # roles that may file it, in the order Sahl tries them
    after: tuple[str, ...]
    when: str  # CEL over the event's facts, the roles' facts and `steps` (key -> state)
    reason: BilingualText | None  # why it does not apply, when `when` does not hold
    answers: Mapping[str, Any]
    prefill: Mapping[str, str]  # form field -> path (child.name_ar, other.civil_id, outputs.x.document)


@dataclass(frozen=True)
class JourneyDefinition:
    code: str
    name: BilingualText
    summary: BilingualText
    description: BilingualText
    keywords: BilingualText
    starts_on: str
    can_start_yourself: bool
    members: tuple[Role, ...]
    steps: tuple[StepDefinition, ...]
    raw: Mapping[str, Any]

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(m.role for m in self.members)

    def step(self, key: str) -> StepDefinition:
        return next(s for s in self.steps if s.key == key)


def example_activation(definition: JourneyDefinition) -> dict[str, Any]:
    """The facts a condition is checked against at load: one of every value."""
    facts: dict[str, Any] = {role: dict(EXAMPLE) for role in definition.roles}
    facts["other"] = dict(EXAMPLE)  # the member who is not the step's applicant
    facts |= EVENT_FACTS[definition.starts_on]
    facts["steps"] = {s.key: "pending" for s in definition.steps}
    return facts


def holds(source: str, facts: Mapping[str, Any]) -> bool:
    """Whether a step's condition holds over these facts (RuleError when it cannot be evaluated)."""
    try:
        result = run_rule(source, {name: celpy.json_to_cel(value) for name, value in facts.items()})
    except Exception as exc:  # celpy wraps evaluation errors in its own types
        raise RuleError(f"cannot be evaluated: {exc}") from None
    if not isinstance(result, celtypes.BoolType):
        raise RuleError(f"gives {type(result).__name__}, not true or false")
    return bool(result)


def resolve(path: str, facts: Mapping[str, Any]) -> Any:
    """The value at a dotted path of the facts (child.name_ar, outputs.birth_certificate.document)."""
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


def parse_journey(raw: Any, source: str, forms: Mapping[str, Mapping[str, Any]]) -> JourneyDefinition:
    """Check and build a definition. `forms`: each published service's form (code -> JSON schema)."""
    return _Parser(source, forms).parse(raw)


def rebuild_published(raw: Any, source: str) -> JourneyDefinition:
    """A stored version's definition: it was checked against the catalogue when it was published,
    and is only rebuilt here (the catalogue may have moved on since)."""
    return _Parser(source, _EveryService()).parse(raw)


class _EveryService(dict[str, dict[str, Any]]):
    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> dict[str, Any]:
        return {"properties": _EveryField()}


class _EveryField(dict[str, Any]):
    def __contains__(self, key: object) -> bool:
        return True


class _Parser:
    def __init__(self, source: str, forms: Mapping[str, Mapping[str, Any]]) -> None:
        self.source = source
        self.forms = forms

    def fail(self, where: str, problem: str) -> JourneyDefinitionError:
        return JourneyDefinitionError(f"{self.source}: {where}: {problem}")

    def text(self, raw: Any, where: str) -> BilingualText:
        if not isinstance(raw, Mapping) or set(raw) != {"ar", "en"}:
            raise self.fail(where, "needs exactly the keys ar and en")
        values = [raw["ar"], raw["en"]]
        if not all(isinstance(v, (str, list)) and v for v in values):
            raise self.fail(where, "needs a text in Arabic and in English")
        ar, en = (", ".join(v) if isinstance(v, list) else v for v in values)
        return BilingualText(ar.strip(), en.strip())

    def parse(self, raw: Any) -> JourneyDefinition:
        if not isinstance(raw, Mapping):
            raise self.fail("the file", "is not a mapping")
        unknown = set(raw) - _TOP
        if unknown:
            raise self.fail("the file", f"unknown keys {sorted(unknown)}")
        code = raw.get("code")
        if not isinstance(code, str) or not _KEY.match(code):
            raise self.fail("code", "must be lower_case letters, digits and underscores")
        starts_on = raw.get("starts_on")
        if starts_on not in EVENT_FACTS:
            raise self.fail("starts_on", f"must be one of {sorted(EVENT_FACTS)}")
        members = raw.get("members")
        if not isinstance(members, list) or not members:
            raise self.fail("members", "needs at least one role")
        roles = tuple(self.role(m, f"members[{i}]") for i, m in enumerate(members))
        if len({r.role for r in roles}) != len(roles):
            raise self.fail("members", "a role is named twice")
        steps_raw = raw.get("steps")
        if not isinstance(steps_raw, list) or not steps_raw:
            raise self.fail("steps", "needs at least one step")
        steps: list[StepDefinition] = []
        for i, step in enumerate(steps_raw):
            steps.append(self.step(step, f"steps[{i}]", [s.key for s in steps], {r.role for r in roles}))
        definition = JourneyDefinition(
            code=code,
            name=self.text(raw.get("name"), "name"),
            summary=self.text(raw.get("summary"), "summary"),
            description=self.text(raw.get("description"), "description"),
            keywords=self.text(raw.get("keywords"), "keywords"),
            starts_on=starts_on,
            can_start_yourself=bool(raw.get("can_start_yourself", False)),
            members=roles,
            steps=tuple(steps),
            raw=raw,
        )
        self.check_facts(definition)
        return definition

    def role(self, raw: Any, where: str) -> Role:
        if (
            not isinstance(raw, Mapping)
            or not isinstance(raw.get("role"), str)
            or not _KEY.match(raw["role"])
        ):
            raise self.fail(where, "needs a role in lower_case and a name")
        if raw["role"] in ("steps", "outputs", "child", "birth", "marriage", "applicant", "other"):
            raise self.fail(where, f"{raw['role']} is a reserved name")
        return Role(raw["role"], self.text(raw.get("name"), f"{where}.name"))

    def step(self, raw: Any, where: str, earlier: list[str], roles: set[str]) -> StepDefinition:
        if not isinstance(raw, Mapping):
            raise self.fail(where, "is not a mapping")
        unknown = set(raw) - _STEP
        if unknown:
            raise self.fail(where, f"unknown keys {sorted(unknown)}")
        key = raw.get("key")
        if not isinstance(key, str) or not _KEY.match(key) or key in earlier:
            raise self.fail(where, "needs a key of its own in lower_case")
        where = f"step {key}"
        service = raw.get("service")
        if not isinstance(service, str) or service not in self.forms:
            raise self.fail(where, f"unknown service {service!r} (not in the published catalogue)")
        runs = raw.get("runs")
        if runs not in RUNS:
            raise self.fail(where, f"runs must be one of {list(RUNS)}")
        applicants = raw.get("applicant")
        applicants = [applicants] if isinstance(applicants, str) else applicants
        if not isinstance(applicants, list) or not applicants or not set(applicants) <= roles:
            raise self.fail(where, f"applicant must name roles of this journey ({sorted(roles)})")
        after = raw.get("after", [])
        if not isinstance(after, list) or not set(after) <= set(earlier):
            raise self.fail(where, "after must name earlier steps")
        when = raw.get("when", "true")
        if not isinstance(when, str):
            raise self.fail(where, "when must be a rule")
        reason = self.text(raw["reason"], f"{where}.reason") if "reason" in raw else None
        if when.strip() != "true" and reason is None:
            raise self.fail(where, "a step with a condition needs the reason shown when it does not hold")
        fields = self.forms[service].get("properties", {})
        answers = raw.get("answers", {})
        prefill = raw.get("prefill", {})
        if not isinstance(answers, Mapping) or not isinstance(prefill, Mapping):
            raise self.fail(where, "answers and prefill are mappings of form fields")
        for name in [*answers, *prefill]:
            if name not in fields:
                raise self.fail(where, f"the form of {service} has no field {name!r}")
        for name, path in prefill.items():
            if not isinstance(path, str):
                raise self.fail(where, f"prefill {name} must be a path")
        name = self.text(raw["name"], f"{where}.name") if "name" in raw else None
        return StepDefinition(
            key,
            service,
            name,
            runs,
            tuple(applicants),
            tuple(after),
            when,
            reason,
            dict(answers),
            dict(prefill),
        )

    def check_facts(self, definition: JourneyDefinition) -> None:
        """Every condition compiles, names known facts and gives true or false; every prefill path
        exists in what the event says, or names an output of an earlier step it waits for."""
        facts = example_activation(definition)
        keys = [s.key for s in definition.steps]
        for step in definition.steps:
            where = f"step {step.key}"
            for top, field in _NAMED.findall(step.when):
                if top in facts and top != "steps" and field not in facts[top]:
                    raise self.fail(where, f"the rule names an unknown field {top}.{field}")
                if top == "steps" and field not in keys:
                    raise self.fail(where, f"the rule names an unknown step {field}")
            try:
                holds(step.when, facts)
            except RuleError as refused:
                raise self.fail(where, f"the rule {step.when!r} {refused}") from None
            for name, path in step.prefill.items():
                head, _, rest = path.partition(".")
                if head == "outputs":
                    earlier, _, what = rest.partition(".")
                    known = earlier in keys[: keys.index(step.key)] and what in OUTPUTS
                    if known and earlier not in step.after:
                        raise self.fail(where, f"prefill {name}: {earlier}'s output needs {earlier} in after")
                else:
                    try:
                        resolve(path, facts)
                        known = True
                    except KeyError:
                        known = False
                if not known:
                    raise self.fail(where, f"prefill {name}: the path {path!r} does not exist")
