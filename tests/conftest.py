"""Shared fixtures: a database holding the real catalogue and a small seeded population."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from sahl.demo.registry import demo_persons, seed_registers
from tests import ci_sides

DEMO_PASSWORD = "sahl-demo-2026"
# Servers and commands the tests start hash passwords with Argon2id at its smallest cost too.
os.environ.setdefault("SAHL_FAST_PASSWORD_HASHING", "1")
# ...and have the simulators (payment gateway, agency system, SMS provider), as the test run itself.
os.environ.setdefault("SAHL_SIMULATORS", "1")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last, after pytest-django's own ordering: Playwright's sync API keeps an event
    loop running in the main thread for the session, and Django refuses ORM calls under a running
    loop, so a database test placed after the first browser test would fail.

    On one side of CI (SAHL_CI_SIDE), what the other side runs is skipped (tests/ci_sides.py)."""
    items.sort(key=lambda item: "e2e" in item.nodeid.split("/"))
    here = ci_sides.side()
    if here is None:
        return
    for item in items:
        callspec = getattr(item, "callspec", None)
        language = callspec.params.get("language") if callspec is not None else None
        if here not in ci_sides.runs_on(item.nodeid, (m.name for m in item.iter_markers()), language):
            item.add_marker(pytest.mark.skip(reason=ci_sides.reason(here)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load every definition and seed 400 people once per test session; tests roll back."""
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0)
        call_command("load_journeys", verbosity=0)
        call_command("load_complaints", verbosity=0)
        # Without the demo power of attorney: tests count people's messages and applications.
        call_command(
            "seed_demo", people=400, power_of_attorney=False, journeys=False, complaints=0, verbosity=0
        )


@pytest.fixture
def demo(db) -> dict[str, str]:
    """Civil IDs of the named demo persons, by key (father, expat, fines, owner, caseworker...)."""
    today = timezone.localdate()
    return seed_registers(0, today).named | {}


@pytest.fixture
def demo_names() -> dict[str, str]:
    return {p.key: p.name_en for p in demo_persons(timezone.localdate())}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts login attempts in the cache; every test starts with none, and with no
    catalogue generation or followed services remembered by the process (the database rolled back
    under it)."""
    from django.core.cache import cache

    from sahl.catalogue.services import forget_cached_catalogue
    from sahl.journeys import followed

    cache.clear()
    forget_cached_catalogue()
    followed.forget_here()


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test has its own audit checkpoint file: the database rolls back between tests, a file
    would not, and an old checkpoint would not match the next test's chain."""
    settings.SAHL_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _keep_logins(settings):
    """As in production with its shared cache: a logged-in person, their staff membership and whom
    they act for are kept between their requests (identity.kept, mandates.kept, ADR 0044); one test
    process shares one memory cache."""
    settings.SAHL_KEEP_LOGIN_SECONDS = 300
