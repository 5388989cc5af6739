"""Parts of an application's page that other apps contribute (payments: the fee and its payments),
so the page shows them without applications knowing those apps: each registers a function from
its `AppConfig.ready` that gives the template its part of the context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sahl.applications.models import Application

Section = Callable[[Application], dict[str, Any]]
_SECTIONS: list[Section] = []


def register(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def for_page(application: Application) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for section in _SECTIONS:
        context |= section(application)
    return context
