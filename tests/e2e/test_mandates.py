"""Acting for others in a real browser: a power of attorney from filing to revocation, and a
parent applying for a child. Both change the registers, so the module has its own server."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import DOCUMENT_READY_MS, civil_id, log_in, pay_on_gateway, serious

COMPLETED_AR, COMPLETED_EN = "منجزة", "Completed"


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    return own_server


def reference_of(page) -> str:
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    return page.url.rsplit("/", 1)[-1]


def test_a_power_of_attorney_from_filing_to_revocation(page, open_page, server):
    today = timezone.localdate()
    # Given the expat (in Arabic) grants the father a power of attorney for vehicle services
    log_in(page, "expat", "/powers-of-attorney")
    page.locator("main a[href='/services/moj.power-of-attorney/apply']").click()
    page.locator("input[name=attorney_civil_id]").fill(civil_id("father"))
    page.locator("input[name=attorney_name]").fill("أحمد خالد المطيري")
    page.locator("input[name=attorney_mobile]").fill("99001122")
    page.locator("select[name=scope]").select_option("vehicles")
    page.locator("input[name=start_date]").fill(today.isoformat())
    page.locator("input[name=end_date]").fill((today + dt.timedelta(days=180)).isoformat())
    page.locator("button[name=submit]").click()
    # Sahl asks for his password again before it files the power
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    poa = reference_of(page)

    # When the father (in English) accepts it, and the expat pays the Ministry's fee
    attorney = open_page("en-GB")
    attorney.context.add_cookies([{"name": "sahl_language", "value": "en", "url": server}])
    log_in(attorney, "father", f"/applications/{poa}")
    attorney.get_by_role("button", name="I agree").click()
    page.reload()
    pay_on_gateway(page)
    expect(page.locator("#status")).to_have_text(COMPLETED_AR)

    # Then the father can act for the expat and renews his car registration
    attorney.goto("/acting-as")
    expect(attorney.locator("#powers")).to_contain_text("Rajesh Kumar")
    assert serious(attorney) == []
    attorney.get_by_role("button", name="Act for Rajesh Kumar").click()
    expect(attorney.locator("#acting")).to_contain_text("Rajesh Kumar")
    attorney.goto("/services/moi.vehicle-registration-renewal/apply")
    attorney.locator("select[name=plate_number]").select_option("45-20002")
    attorney.locator("button[name=submit]").click()
    renewal = reference_of(attorney)
    pay_on_gateway(attorney)
    expect(attorney.locator("#status")).to_have_text(COMPLETED_EN)
    # Off the application page, which asks for its documents while the PDF is prepared: under load
    # that question could be the request the revocation refuses, before the one this test makes.
    attorney.goto("/acting-as")

    # And the expat sees it in his applications, with who did it, and in "who looked at my data"
    page.goto("/applications")
    page.locator(f"a[href='/applications/{renewal}']").click()
    expect(page.locator(".timeline")).to_contain_text("أحمد خالد المطيري")
    page.goto("/account/access-log")
    expect(page.locator("#reads")).to_contain_text("أحمد خالد المطيري")
    expect(page.locator("#reads")).to_contain_text("بموجب توكيل")

    # When the expat revokes the power
    page.goto("/powers-of-attorney")
    assert serious(page) == []
    page.locator("#granted button[type=submit]").click()
    expect(page.locator("[role=status]")).to_be_visible()
    expect(page.locator("#granted")).to_contain_text("ملغى")

    # Then the father's very next request is refused, and he acts for himself again
    answer = attorney.goto("/applications")
    assert answer is not None and answer.status == 403
    expect(attorney.locator("main")).to_contain_text("Your power to act for Rajesh Kumar has ended")
    attorney.goto("/applications")
    expect(attorney.locator("#acting")).to_have_count(0)
    expect(attorney.locator("main")).not_to_contain_text(renewal)


def test_a_parent_applies_for_their_child(page):
    # Given the father acts for his 6-year-old daughter
    log_in(page, "father", "/acting-as")
    page.locator("#powers form").filter(has=page.locator(f"input[value='{civil_id('daughter')}']")).locator(
        "button"
    ).click()
    expect(page.locator("#acting")).to_contain_text("سارة أحمد المطيري")

    # When he asks for her certificate of address and pays for it
    page.goto("/services/paci.address-certificate/apply")
    page.locator("select[name=language]").select_option("ar")
    page.locator("button[name=submit]").click()
    reference_of(page)
    pay_on_gateway(page)

    # Then it is completed, the certificate is hers, and he can download it for her
    expect(page.locator("#status")).to_have_text(COMPLETED_AR)
    expect(page.locator("a[href*='/documents/']")).to_have_count(1, timeout=DOCUMENT_READY_MS)
    expect(page.locator(".timeline")).to_contain_text("أحمد خالد المطيري")
    assert serious(page) == []


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_acting_pages_are_accessible_on_a_phone(phone, server, language):
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    log_in(phone, "father", "/acting-as")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("#powers .card")).to_have_count(4)  # himself, two children, his wife's power
    assert serious(phone) == []
    phone.goto("/powers-of-attorney")
    expect(phone.locator("#received")).to_be_visible()
    assert serious(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
