"""Issue 17, point 9 on a 360 px phone, in Arabic and English: a verifier who opens the /verify page
of a power of attorney reads that it is genuine and valid until the day the mandate ends (not five
years on), as its PDF says. The page is clean for axe-core and fits the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import HttpClient, civil_id, serious

POA = "moj.power-of-attorney"
GENUINE = {"ar": "هذا المستند صحيح", "en": "This document is genuine"}
END = dt.date.today() + dt.timedelta(days=200)  # a date away from today's, whatever the zone


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The expatriate grants a power of attorney here: other modules know none."""
    return own_server


@pytest.fixture(scope="module")
def code(server: str) -> str:
    """The expatriate gives the father a power of attorney for vehicles, ending in 200 days; the
    father accepts and the expatriate pays: its verification code."""
    grantor = HttpClient(server).log_in("expat")
    assert grantor.post("/accounts/reauthenticate/", {"password": DEMO_PASSWORD}).status == 302
    today = dt.date.today()
    reference = grantor.apply(
        POA,
        {
            "attorney_civil_id": civil_id("father"),
            "attorney_name": "Ahmad Khalid Al-Mutairi",
            "attorney_mobile": "99001122",
            "scope": "vehicles",
            "start_date": today.isoformat(),
            "end_date": END.isoformat(),
        },
    )
    attorney = HttpClient(server).log_in("father")
    assert attorney.post(f"/applications/{reference}/consent", {"agree": "yes"}).status == 302
    grantor.pay(reference)
    page = grantor.get(f"/applications/{reference}").text
    found = re.search(r"\b([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})\b", page)
    assert found, "the application page gives no verification code"
    return found.group(1)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_verify_page_of_a_power_of_attorney_shows_the_mandates_end(phone, server, code, language):
    # Given a verifier (no account) who reads the page in his language
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])

    # When he opens the address printed under the document's QR code
    phone.goto(f"/verify/{code}")

    # Then the document is genuine and valid until the mandate's last day
    expect(phone.locator("[role=status]")).to_contain_text(GENUINE[language])
    until = phone.locator("time[data-valid-until]")
    expect(until).to_have_text(END.isoformat())
    expect(until).to_have_attribute("datetime", END.isoformat())
    assert phone.locator("html").get_attribute("lang") == language
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert serious(phone) == []
