"""Issue 17, point 3, on a 360 px phone in Arabic and in English: the pages a citizen and a
caseworker read are in the page's language only (tests/one_language.py), every code shown (a
reference, a plate, a civil ID, a payment or document number) stays on one line, and each page is
axe clean without sideways scroll (and valid HTML: tests/e2e/test_valid_html.py checks every page
the browser tests open)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import civil_id, log_in, pay_on_gateway, serious, tiny_png
from tests.one_language import foreign_words

pytestmark = pytest.mark.presentation

PHONE = {"width": 360, "height": 740}
SALMIYA = {"latitude": "29.3375", "longitude": "48.0758"}
# How the walk's answers read in each language, and never in the other.
READS = {
    "ar": ["تحويل بنكي", "(أبيض)", "ثانيتان"],
    "en": ["Bank transfer", "(white)", "2 seconds"],
}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father sells his car here: other modules keep it as the demo data describes it."""
    return own_server


def _phone(browser, server: str, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport=PHONE, is_mobile=True)
    context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    return context, context.new_page()


def _wav(seconds: int) -> bytes:
    from tests.unit.test_complaint_media import made_wav

    return made_wav(seconds)


def _walk(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The father sells his car, paid by bank transfer; renews his passport and pays by card;
    reports a pothole with a two-second voice note. The pages he then reads, by name."""
    page.goto("/services/moi.vehicle-ownership-transfer/apply")
    page.locator("select[name=plate_number]").select_option("12-10001")
    page.locator("input[name=buyer_civil_id]").fill(civil_id("expat"))
    page.locator("select[name=payment_method]").select_option("bank_transfer")
    page.locator("input[name=proof_of_payment]").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    sale = page.url

    page.goto("/services/moi.passport-renewal/apply")
    page.locator("select[name=passport_number]").select_option(index=1)
    page.locator("select[name=delivery]").select_option("kiosk")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    renewal = page.url
    pay_on_gateway(page)

    page.goto("/complaints/new")
    page.locator("#topic").select_option("pothole")
    page.locator("#description").fill("حفرة كبيرة في الشارع")
    page.locator("#latitude").fill(SALMIYA["latitude"])
    page.locator("#longitude").fill(SALMIYA["longitude"])
    page.locator("#voice").set_input_files({"name": "note.wav", "mimeType": "audio/wav", "buffer": _wav(2)})
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/complaints/C-[\w-]+$"))
    return {"sale": sale, "renewal": renewal, "report": page.url, "applications": "/applications"}


def _codes_on_one_line(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The isolated codes that the page breaks across lines (none should be)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.code')]
            .filter(e => e.getClientRects().length > 1
                || e.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(e).lineHeight))
            .map(e => e.textContent)"""
    )


def _reads_in_one_language(page, language: str, what: str) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert foreign_words(page.content(), language) == [], what
    assert page.locator(".code").count() > 0, f"{what} shows no isolated code"
    assert _codes_on_one_line(page) == [], what
    assert serious(page) == [], what
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways on a phone ({width}px)"


def test_a_citizen_and_a_caseworker_read_each_page_in_one_language_on_a_phone(browser, server):
    father_context, father = _phone(browser, server, "ar")
    staff_context, staff = _phone(browser, server, "ar")
    try:
        log_in(father, "father")
        pages = _walk(father)
        # The caseworker of the Ministry of Interior takes the passport renewal.
        log_in(staff, "caseworker", "/backoffice/")
        renewal = pages["renewal"].rsplit("/", 1)[1]
        staff.goto(f"/backoffice/cases/{renewal}")
        staff.locator("form[action$='/take'] button").click()
        staff.wait_for_url(re.compile(rf"/backoffice/cases/{renewal}$"))

        for language in ("ar", "en"):
            for context in (father_context, staff_context):
                context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
            seen = ""
            for name, path in pages.items():
                father.goto(path)
                _reads_in_one_language(father, language, f"{name} ({language})")
                seen += father.locator("main").inner_text()
            for word in READS[language]:
                assert word in seen, f"{word!r} is not on the father's {language} pages"
            for word in READS["en" if language == "ar" else "ar"]:
                assert word not in seen, f"{word!r} is on the father's {language} pages"
            # His wallet holds no document yet in this walk; its page is his language's too.
            father.goto("/wallet/")
            assert foreign_words(father.content(), language) == [], f"wallet ({language})"
            assert serious(father) == [], f"wallet ({language})"
            for path in (
                "/backoffice/",
                f"/backoffice/cases/{renewal}",
                f"/backoffice/cases/{pages['sale'].rsplit('/', 1)[1]}",
            ):
                staff.goto(path)
                _reads_in_one_language(staff, language, f"{path} ({language})")
    finally:
        father_context.close()
        staff_context.close()
