"""Issue 17, point 20: the operators' header links to every operator page, and only operators see
those links. "Every" is read off the URL configuration: each address under operators/ without a
parameter that answers an operator's GET with a page."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

HEADER = re.compile(r"<header\b.*?</header>", re.S)


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        else:
            found.append(route)
    return found


def operator_pages(client) -> list[str]:  # type: ignore[no-untyped-def]
    """Paths under operators/ with no parameter that show an operator a page (not a redirect)."""
    candidates = [
        "/" + route
        for route in _routes(get_resolver().url_patterns)
        if route.startswith("operators/") and "<" not in route
    ]
    return [path for path in candidates if client.get(path).status_code == 200]


def header_of(client, path: str = "/") -> str:  # type: ignore[no-untyped-def]
    answer = client.get(path)
    assert answer.status_code == 200
    match = HEADER.search(answer.content.decode())
    assert match is not None, "the page has no header"
    return match.group(0)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_operators_header_links_to_every_operator_page(login, demo, language):
    operator = login(demo["operator"], language)
    pages = operator_pages(operator)
    assert {"/operators/outbox", "/operators/events", "/operators/audit", "/operators/reconciliation"} <= set(
        pages
    )
    for where in ("/", *pages):
        header = header_of(operator, where)
        missing = [path for path in pages if f'href="{path}"' not in header]
        assert missing == [], f"the header of {where} does not link to {missing}"
    named = header_of(operator)
    for english, arabic in (("Outbox", "صندوق الصادر"), ("Failing events", "أحداث متعثرة")):
        assert (arabic if language == "ar" else english) in named


@pytest.mark.parametrize("who", ["father", "caseworker"])
def test_nobody_else_sees_the_operators_links(login, demo, who):
    operator_paths = operator_pages(login(demo["operator"], "en"))
    header = header_of(login(demo[who], "en"))
    assert "My applications" in header
    assert [path for path in operator_paths if f'href="{path}"' in header] == []
