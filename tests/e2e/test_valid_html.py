"""Every page the browser tests opened, in Arabic and in English, is valid HTML by the Nu HTML checker.

This test runs last (see conftest): the tests before it left the pages they opened in
`visited_pages`. Alone, it still checks the pages a visitor opens first, and the second-factor page.
"""

import os
import re

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import civil_id
from tests.e2e.nu_checker import Page, check, checker_missing, report

# Each side of CI checks the pages it opened (tests/ci_sides.py).
pytestmark = pytest.mark.every_database

# Known-bad markup checked with the pages: the check must see its error, or it sees nothing at all.
CANARY = Page(
    "canary",
    "en",
    '<!DOCTYPE html><html lang="en"><title>canary</title><p><time datetime="2026-01-01T10:00:00.123456+03:00">x</time>',
)
VISITOR_PAGES = ("/", "/accounts/login/", "/agencies", "/categories", "/verifier/")


def second_factor(page) -> None:  # type: ignore[no-untyped-def]
    """The second-factor page: the owner's password, then her authenticator app is asked for."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(civil_id("owner"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))


def test_every_page_the_browser_tests_opened_is_valid_html(page, visited_pages):
    missing = checker_missing()
    if missing:
        if os.environ.get("SAHL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the HTML checker is required here: {missing}")
        pytest.skip(f"HTML check skipped: {missing}")
    for path in VISITOR_PAGES:
        page.goto(path)
    second_factor(page)
    visited_pages.flush(page.context)
    visited_pages.fetch_remaining_twins()
    pages = list(visited_pages.pages.values())
    assert {p.language for p in pages} >= {"ar", "en"}, "pages of both languages were collected"

    errors = check([*pages, CANARY])

    assert any("fraction of a second" in e for e in errors.pop(CANARY.name, [])), "the checker saw the canary"
    assert errors == {}, (
        f"{len(errors)} of {len(pages)} pages are not valid HTML ({visited_pages.unread} could not be read):\n"
        f"{report(errors)}"
    )
