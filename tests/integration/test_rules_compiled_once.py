"""A service page evaluates its eligibility rules, never parses them: the definition is parsed once
per published version and each rule compiled once, then kept (issue 18, point 4)."""

from __future__ import annotations

import re

import celpy

from sahl.catalogue import services as catalogue

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
