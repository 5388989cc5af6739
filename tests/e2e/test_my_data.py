""" "My data" in a real browser: the buyer of a car opens the page, sees the consent he gave,
downloads everything Sahl holds about him as JSON, and the page is accessible in Arabic and
English and fits a 360 px phone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RECEIPT, HttpClient, civil_id, log_in, serious


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father sells his car here: other modules still find it his."""
    return own_server


@pytest.fixture(scope="module")
def sale(server: str) -> str:
    """The father sells his car to Rajesh (the expatriate), who agrees."""
    father = HttpClient(server).log_in("father")
    reference = father.apply(
        "moi.vehicle-ownership-transfer",
        {"plate_number": "12-10001", "buyer_civil_id": civil_id("expat"), "payment_method": "bank_transfer"},
        RECEIPT,
    )
    buyer = HttpClient(server).log_in("expat")
    assert buyer.post(f"/applications/{reference}/consent", {"agree": "yes"}).status == 302
    return reference


def test_the_buyer_downloads_his_data_and_sees_his_consent(page, sale):
    log_in(page, "expat", "/")
    page.get_by_role("link", name="بياناتي", exact=True).click()
    page.wait_for_url(re.compile(r"/account/my-data$"))
    expect(page.locator("h1")).to_have_text("بياناتي")
    row = page.locator("#consents li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(sale)
    expect(row).to_contain_text("نقل ملكية مركبة")
    expect(row).to_contain_text("المشتري")
    expect(row).to_contain_text("وافقت")

    with page.expect_download() as started:
        page.locator("#download").click()
    download = started.value
    assert re.fullmatch(r"sahl-my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["format"] == "sahl-personal-data/1"
    assert data["civil_id"] == civil_id("expat")
    assert data["sections"]["account"]["civil_id"] == civil_id("expat")
    assert data["sections"]["registers"]["person"]["name"]["en"] == "Rajesh Kumar"
    [consent] = data["sections"]["consents"]["parties"]
    assert consent["reference"] == sale and consent["answer"] == "given"
    # The download is among his account's security events.
    page.goto("/account/access-log")
    expect(page.locator("#security")).to_contain_text("تنزيل نسخة من بياناتك")


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_my_data_has_no_serious_accessibility_problems(page, server, sale, language):
    log_in(page, "expat", "/")
    page.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    answer = page.goto("/account/my-data")
    assert answer is not None and answer.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#download")).to_have_text(
        # in Arabic the format's name is isolated, so it stays whole and left to right
        "تنزيل بياناتي (\u2066JSON\u2069)" if language == "ar" else "Download my data (JSON)"
    )
    expect(page.locator("#consents")).to_contain_text("Buyer" if language == "en" else "المشتري")
    assert serious(page) == []


@pytest.mark.presentation  # accessibility and layout: the same on every database
def test_my_data_fits_a_phone(phone, sale):
    log_in(phone, "expat", "/account/my-data")
    expect(phone.locator("#download")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
