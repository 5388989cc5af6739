"""Eligibility rules: CEL expressions over the registers' facts, compiled once and cached."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import celpy
from celpy import celtypes
from django.utils.translation import gettext_noop as _  # marked here, translated where shown

from sahl.core.bilingual import BilingualText
from sahl.core.money import Money
from sahl.registry.facts import ApplicantFacts

if TYPE_CHECKING:
    from sahl.catalogue.definition import ServiceDefinition

_APPLICANT_FIELD = re.compile(r"\bapplicant\.([A-Za-z_][A-Za-z0-9_]*)")


class Term(str):
    """A word inside a message that is translated with it ("a number", "text")."""


class RuleError(ValueError):
    """A rule that does not compile, names an unknown field, or does not give true or false.

    Told in the integrator's words, never the rule engine's: `msgid` is an English message with
    %(name)s fields (translated where it is shown), `params` its values."""

    def __init__(self, msgid: str, **params: object) -> None:
        english = msgid % params if params else msgid
        super().__init__(english)
        self.msgid, self.params = msgid, params


# What a CEL value is, as an integrator would say it: a mismatch reads "compares a number with text".
_KINDS = {
    "IntType": Term(_("a number")),
    "UintType": Term(_("a number")),
    "DoubleType": Term(_("a number")),
    "StringType": Term(_("text")),
    "BoolType": Term(_("true or false")),
    "ListType": Term(_("a list")),
    "MapType": Term(_("a record")),
    "NullType": Term(_("nothing (null)")),
    "TimestampType": Term(_("a date")),
    "DurationType": Term(_("a duration")),
}
_MISMATCH = re.compile(r"applied to '\(<class 'celpy\.celtypes\.(\w+)'>, <class 'celpy\.celtypes\.(\w+)'>\)'")


def _unworkable(exc: Exception) -> RuleError:
    """The engine's evaluation error, told as what is wrong with the rule."""
    found = _MISMATCH.search(str(exc))
    if found:
        left, right = (_KINDS.get(name, Term(_("a value"))) for name in found.groups())
        if left != right:
            return RuleError(
                _(
                    "compares %(left)s with %(right)s: both sides must be of the same kind (numbers "
                    "without quotes, text in quotes)"
                ),
                left=left,
                right=right,
            )
        return RuleError(_("uses an operator that does not apply to %(kind)s"), kind=left)
    return RuleError(
        _("cannot be worked out for an example applicant: check the fields and functions it uses")
    )


# What a refusal can say beyond its rule's fixed reason, from the person's own records (a rule's
# `refusal` in its definition): the fines to pay first, or the day a document can be renewed from.
UNPAID_FINES = "unpaid_fines"
TOO_EARLY = "too_early"
REFUSAL_KINDS = (UNPAID_FINES, TOO_EARLY)


@dataclass(frozen=True)
class Refusal:
    """How a rule's refusal is told with the person's figures and what to do next.

    unpaid_fines: how many fines and how much, and the service that pays them (`service`).
    too_early: when the document expires and from when it can be renewed: `days_left` names the
    fact counting the days to its expiry (`applicant.<fact>` or `applicant.<records>.<fact>`, the
    soonest of the records), renewable in the last `window_days` before it."""

    kind: str
    service: str = ""
    days_left: str = ""
    window_days: int = 0


@dataclass(frozen=True)
class Rule:
    source: str
    reason: BilingualText
    refusal: Refusal | None = None


# Message codes (core.messages) of a refusal by the service's conditions.
NOT_ELIGIBLE = "application.not_eligible"
FINES_FIRST = "application.unpaid_fines"
RENEW_LATER = "application.too_early"


@dataclass(frozen=True)
class Eligibility:
    """Eligible, or the first failing rule's reason, told as a message code with its parameters
    (`code`, `params`: the rule's reason, and what its `refusal` works out) and the service that
    lifts the refusal, if there is one (`then`)."""

    eligible: bool
    reason: BilingualText | None = None
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    then: str = ""
    rule: Rule | None = None  # the rule that does not hold


@cache
def environment() -> celpy.Environment:
    """CEL's environment, made on first use: making it builds its parser, half a second that every
    process would otherwise pay at start, the task worker and each command included. The web
    application makes it before its workers fork (sahl.wsgi).

    Rules run as Python: celpy's transpiler turns each into a code object once (`compile_rule`),
    about five times faster to evaluate than its tree-walking interpreter, which took half of a
    service page (ADR 0066). celpy keeps one parser per process, built by the first environment
    for its runner's trees: this one is made first, and the interpreter reads the same trees."""
    return celpy.Environment(runner_class=celpy.CompiledRunner)


@cache
def _explaining() -> celpy.Environment:
    """The interpreter, only to tell why a rule cannot be worked out: its errors name the kinds a
    comparison was given (the transpiled code's often do not)."""
    environment()
    return celpy.Environment()


@lru_cache(maxsize=4096)
def compile_rule(source: str) -> Any:
    env = environment()
    try:
        return env.program(env.compile(source))
    except Exception:  # celpy raises several parse error types, in its own words
        raise RuleError(
            _("is not a valid rule: check its brackets, quotes and operators (see the rules guide)")
        ) from None


def _why(source: str, activation: dict[str, Any], error: Exception) -> Exception:
    """The interpreter's error for a rule that failed (as a publisher's check or a refusal tells
    it); the transpiled code's own when the interpreter has none."""
    env = _explaining()
    try:
        env.program(env.compile(source)).evaluate(activation)
    except Exception as explained:  # celpy wraps evaluation errors in its own types
        return explained
    return error


def activation_of(facts: ApplicantFacts) -> dict[str, Any]:
    """The facts as the rules read them (CEL values): made once for all the rules of a service."""
    return {"applicant": celpy.json_to_cel(dict(facts))}


# celpy's transpiled code takes its facts from a global of celpy's module, set by each evaluation:
# one at a time per process, or a threaded server would answer with another request's facts.
_EVALUATING = threading.Lock()


def run_rule(source: str, activation: Mapping[str, Any]) -> Any:
    """The rule's value over these facts (CEL values), one evaluation at a time in the process."""
    program = compile_rule(source)
    with _EVALUATING:
        return program.evaluate(activation)


def evaluate(source: str, facts: ApplicantFacts, activation: dict[str, Any] | None = None) -> bool:
    activation = activation if activation is not None else activation_of(facts)
    try:
        result = run_rule(source, activation)
    except Exception as exc:  # celpy wraps evaluation errors in its own types
        raise _unworkable(_why(source, activation, exc)) from None
    if not isinstance(result, celtypes.BoolType):
        kind = _KINDS.get(type(result).__name__, Term(_("a value")))
        raise RuleError(_("must give true or false, but gives %(kind)s"), kind=kind)
    return bool(result)


def check_rule(source: str, example: ApplicantFacts) -> None:
    """Raise RuleError unless `source` compiles, names known fields only, and gives a boolean."""
    compile_rule(source)
    for name in _APPLICANT_FIELD.findall(source):
        if name not in example:
            raise RuleError(_("names applicant.%(name)s, which is not a known fact"), name=name)
    evaluate(source, example)


def assess(rules: tuple[Rule, ...], facts: ApplicantFacts, today: dt.date | None = None) -> Eligibility:
    """Eligible when every rule holds; otherwise the reason of the first rule that does not, told
    with the person's figures when the rule says how (`Rule.refusal`)."""
    activation = activation_of(facts)
    for rule in rules:
        if not evaluate(rule.source, facts, activation):
            return refused(rule, facts, today or dt.date.today())
    return Eligibility(True)


def refused(rule: Rule, facts: ApplicantFacts, today: dt.date) -> Eligibility:
    plain = Eligibility(False, rule.reason, NOT_ELIGIBLE, {"reason": rule.reason}, rule=rule)
    how = rule.refusal
    if how is None:
        return plain
    if how.kind == UNPAID_FINES:
        count = sum(v["unpaid_fines"] for v in facts["vehicles"])
        if count == 0:  # refused for another lack (no vehicle at all): the rule's words say it
            return plain
        total = Money(sum(v["unpaid_fines_fils"] for v in facts["vehicles"]))
        params = {"count": count, "total": total}
        return Eligibility(False, rule.reason, FINES_FIRST, params, then=how.service, rule=rule)
    days = days_left(how.days_left, facts)
    if days is None or days <= how.window_days:  # nothing to renew, or not what held it back
        return plain
    expires = today + dt.timedelta(days=days)
    renewable = expires - dt.timedelta(days=how.window_days)
    params = {"reason": rule.reason, "expires_on": expires, "renewable_from": renewable}
    return Eligibility(False, rule.reason, RENEW_LATER, params, rule=rule)


def days_left(path: str, facts: ApplicantFacts) -> int | None:
    """The fact a too-early refusal reads: `applicant.<fact>`, or the soonest of the records'
    `applicant.<records>.<fact>` (None when there are none)."""
    names = path.split(".")[1:]
    found: Any = facts
    if len(names) == 1:
        value = found.get(names[0])
        return value if isinstance(value, int) else None
    records = found.get(names[0]) or []
    values = [r[names[1]] for r in records if isinstance(r.get(names[1]), int)]
    return min(values) if values else None


def check_refusal(refusal: Refusal, example: ApplicantFacts) -> None:
    """Raise RuleError unless the refusal is one Sahl can tell."""
    if refusal.kind not in REFUSAL_KINDS:
        raise RuleError(_("kind must be one of %(kinds)s"), kinds=", ".join(REFUSAL_KINDS))
    if refusal.kind == UNPAID_FINES:
        if not _SERVICE_CODE.match(refusal.service):
            raise RuleError(_("service must be the code of the service that pays the fines"))
        return
    if not 0 < refusal.window_days <= 3650:
        raise RuleError(_("window_days must be a whole number of days from 1 to 3650"))
    if not refusal.days_left.startswith("applicant.") or days_left(refusal.days_left, example) is None:
        raise RuleError(_("days_left must name a whole-number fact, e.g. applicant.passports.days_left"))


_SERVICE_CODE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+(-[a-z0-9]+)*$")


def fee_for(definition: ServiceDefinition, facts: ApplicantFacts) -> tuple[Money, BilingualText | None]:
    """The fee the person pays: nil with the reason when an exemption holds."""
    activation = activation_of(facts) if definition.fee_exemptions else None
    for rule in definition.fee_exemptions:
        if evaluate(rule.source, facts, activation):
            return Money.zero(), rule.reason
    return definition.fee, None
