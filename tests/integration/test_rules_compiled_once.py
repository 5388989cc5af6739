"""A service page evaluates its eligibility rules, never parses them: the definition is parsed once
per published version and each rule compiled once (to Python, by celpy's transpiler), then kept
(issue 18, point 4)."""

from __future__ import annotations

import re

import celpy
import pytest

from sahl.catalogue import rules
from sahl.catalogue import services as catalogue
from sahl.registry.facts import EXAMPLE

PAGE = "/services/moi.vehicle-registration-renewal"


def test_a_service_page_shown_again_parses_and_compiles_nothing(login, demo, monkeypatch):
    father = login(demo["father"])
    first = father.get(PAGE)  # the first view may parse and compile
    verdict = re.search(r'data-verdict="([^"]*)"', first.content.decode())
    assert verdict is not None

    compiled, parsed = [], []
    compile_cel = celpy.Environment.compile
    monkeypatch.setattr(
        celpy.Environment, "compile", lambda env, text: compiled.append(text) or compile_cel(env, text)
    )
    parse = catalogue.parse_definition
    monkeypatch.setattr(catalogue, "parse_definition", lambda *a, **k: parsed.append(1) or parse(*a, **k))

    for _ in range(3):
        page = father.get(PAGE)
        assert page.status_code == 200
    assert compiled == [] and parsed == []
    # and the page still gives the rules' answer
    assert f'data-verdict="{verdict.group(1)}"' in page.content.decode()


def test_every_published_rule_answers_the_same_transpiled_as_interpreted(demo):
    """Rules run as transpiled Python (ADR 0066); the interpreter stays to explain errors. Every
    eligibility rule of every published service gives the same answer both ways, for each person
    of the demo registers (or fails both ways)."""
    from sahl.applications import clock
    from sahl.catalogue.models import Service
    from sahl.registry.adapters import registers
    from sahl.registry.models import Person

    sources = {
        rule.source
        for service in Service.objects.filter(current_version__isnull=False).select_related("current_version")
        for rule in catalogue.definition_of(service.current_version).eligibility
    }
    people = [
        registers().profile(cid, clock.today()) for cid in Person.objects.values_list("civil_id", flat=True)
    ]
    activations = [rules.activation_of(p.facts) for p in people if p is not None]
    assert len(sources) > 50 and len(activations) > 10
    transpiled = rules.environment()
    interpreted = rules._explaining()
    compared = 0
    for source in sorted(sources):
        program = rules.compile_rule(source)
        assert isinstance(program, celpy.CompiledRunner)
        plain = interpreted.program(interpreted.compile(source))
        assert not isinstance(plain, celpy.CompiledRunner) and transpiled is not interpreted
        for activation in activations:
            assert _answer(program, activation) == _answer(plain, activation), source
            compared += 1
    assert compared > 1000


def _answer(program, activation) -> object:
    try:
        return program.evaluate(activation)
    except Exception:  # celpy's evaluation errors: both must fail
        return "fails"


def test_a_rule_that_cannot_be_worked_out_is_told_without_the_persons_values(caplog):
    """The transpiled code logs its errors with the values it compared: a person's age here. The
    error is told in the publisher's words, and nothing of the person reaches the log."""
    facts = dict(EXAMPLE, age=4242)
    with pytest.raises(rules.RuleError) as refused:
        rules.evaluate('applicant.age >= "18"', facts)
    assert str(refused.value).startswith("compares a number with text")
    assert "4242" not in caplog.text
