"""Issue 17, points 2 and 11, on a 360 px phone in Arabic and English: the language a person picks in
the header is their language, for pages and messages (the inbox shows its subjects in it, and the
next login brings it back); one instant renewal, filed and paid at once, puts one message in the
inbox, that it is done. Every page is clean for axe-core (and checked as HTML by test_valid_html)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, log_in, pay_on_gateway, serious

RENEWAL = "moi.vehicle-registration-renewal"
# Whose car, and the language they read Sahl in (the demo's expatriate starts in English).
RENEWS = {"ar": ("father", "12-10001"), "en": ("expat", "45-20002")}
WITHDRAWN = {"ar": "سُحبت معاملتك رقم {reference}", "en": "Your application {reference} was withdrawn"}
COMPLETED = {"ar": "أُنجزت معاملتك رقم {reference}", "en": "Your application {reference} is completed"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """Cars are renewed here: other modules take the registers as the demo data describes them."""
    return own_server


def fits(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    assert serious(page) == []


def withdrawn_application(server: str, person: str, plate: str) -> str:
    """A renewal filed and withdrawn at once: a message in the person's inbox (the car stays due)."""
    client = HttpClient(server).log_in(person)
    reference = client.apply(RENEWAL, {"plate_number": plate})
    assert client.post(f"/applications/{reference}/withdraw", {}).status == 302
    return reference


def subjects(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("main ul.plain").inner_text()


def inbox_showing(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """The inbox, once the background worker has written the message (a moment after the change)."""
    for _ in range(100):
        page.goto("/inbox")
        if page.locator("main ul.plain").count() and text in subjects(page):
            return
        page.wait_for_timeout(300)
    expect(page.locator("main")).to_contain_text(text)


def switch_language(page, to: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("header form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", to)


@pytest.mark.parametrize("first", ["ar", "en"])
def test_the_language_picked_in_the_header_is_the_inbox_language_and_comes_back_at_login(
    browser, server, first
):
    other = "en" if first == "ar" else "ar"
    person, plate = RENEWS[first]
    reference = withdrawn_application(server, person, plate)
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()

    # Logging in on a fresh phone brings the person's own language
    log_in(phone, person, "/inbox", keep_language=False)
    expect(phone.locator("html")).to_have_attribute("lang", first)
    inbox_showing(phone, WITHDRAWN[first].format(reference=reference))
    assert WITHDRAWN[other].format(reference=reference) not in subjects(phone)
    fits(phone)

    # Switching in the header: the inbox's subjects in the other language
    switch_language(phone, other)
    assert phone.url.endswith("/inbox")
    expect(phone.locator("main ul.plain")).to_contain_text(WITHDRAWN[other].format(reference=reference))
    assert WITHDRAWN[first].format(reference=reference) not in subjects(phone)
    fits(phone)
    phone.locator("main ul.plain a").first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        WITHDRAWN[other].format(reference=reference)
    )
    fits(phone)
    context.close()

    # It is now the person's language: another phone shows it after logging in, and back again
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    log_in(phone, person, "/inbox", keep_language=False)
    expect(phone.locator("html")).to_have_attribute("lang", other)
    switch_language(phone, first)
    expect(phone.locator("main ul.plain")).to_contain_text(WITHDRAWN[first].format(reference=reference))
    assert WITHDRAWN[other].format(reference=reference) not in subjects(phone)
    fits(phone)
    context.close()


def settled_count(page) -> int:  # type: ignore[no-untyped-def]
    """How many messages the inbox lists once the worker has written all it was asked to."""
    last = -1
    for _ in range(40):
        page.goto("/inbox")
        count = page.locator("main ul.plain > li").count()
        if count == last:
            return count
        last = count
        page.wait_for_timeout(1500)
    raise AssertionError("the inbox kept changing")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_one_instant_renewal_puts_one_message_in_the_inbox(phone, language):
    person, plate = RENEWS[language]
    log_in(phone, person, "/inbox", keep_language=False)
    expect(phone.locator("html")).to_have_attribute("lang", language)
    before = settled_count(phone)

    phone.goto(f"/services/{RENEWAL}/apply")
    phone.locator("select[name=plate_number]").select_option(plate)
    phone.locator("button[name=submit]").click()
    phone.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    reference = phone.url.rsplit("/", 1)[-1]
    pay_on_gateway(phone)
    expect(phone.locator("#status")).to_have_text("منجزة" if language == "ar" else "Completed")

    inbox_showing(phone, COMPLETED[language].format(reference=reference))
    assert settled_count(phone) == before + 1
    assert subjects(phone).count(reference) == 1
    fits(phone)
