"""Eligibility rules: CEL expressions over the registers' facts, compiled once and cached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import celpy
from celpy import celtypes

from sahl.core.bilingual import BilingualText
from sahl.core.money import Money
from sahl.registry.facts import ApplicantFacts

if TYPE_CHECKING:
    from sahl.catalogue.definition import ServiceDefinition

_ENV = celpy.Environment()
_APPLICANT_FIELD = re.compile(r"\bapplicant\.([A-Za-z_][A-Za-z0-9_]*)")


class RuleError(ValueError):
    """A rule that does not compile, names an unknown field, or does not give true or false."""


@dataclass(frozen=True)
class Rule:
    source: str
    reason: BilingualText


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: BilingualText | None = None


@lru_cache(maxsize=4096)
def compile_rule(source: str) -> Any:
    try:
        return _ENV.program(_ENV.compile(source))
    except Exception as exc:  # celpy raises several parse error types
        raise RuleError(f"does not compile: {exc}") from None


def evaluate(source: str, facts: ApplicantFacts) -> bool:
    program = compile_rule(source)
    activation = {"applicant": celpy.json_to_cel(dict(facts))}
    try:
        result = program.evaluate(activation)
    except Exception as exc:  # celpy wraps evaluation errors in its own types
        raise RuleError(f"cannot be evaluated: {exc}") from None
    if not isinstance(result, celtypes.BoolType):
        raise RuleError(f"gives {type(result).__name__}, not true or false")
    return bool(result)


def check_rule(source: str, example: ApplicantFacts) -> None:
    """Raise RuleError unless `source` compiles, names known fields only, and gives a boolean."""
    compile_rule(source)
    for name in _APPLICANT_FIELD.findall(source):
        if name not in example:
            raise RuleError(f"unknown field applicant.{name}")
    evaluate(source, example)


def assess(rules: tuple[Rule, ...], facts: ApplicantFacts) -> Eligibility:
    """Eligible when every rule holds; otherwise the reason of the first rule that does not."""
    for rule in rules:
        if not evaluate(rule.source, facts):
            return Eligibility(False, rule.reason)
    return Eligibility(True)


def fee_for(definition: ServiceDefinition, facts: ApplicantFacts) -> tuple[Money, BilingualText | None]:
    """The fee the person pays: nil with the reason when an exemption holds."""
    for rule in definition.fee_exemptions:
        if evaluate(rule.source, facts):
            return Money.zero(), rule.reason
    return definition.fee, None
