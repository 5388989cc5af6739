"""A person turns on codes by SMS from the Security page and logs in with the code, read from the
dev outbox (/dev/sms) as from a phone; the code page is accessible in Arabic and English and fits
a 360-pixel phone."""

import re

from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import civil_id, log_in, serious

PHONE = "+96550004321"  # the number only this test uses


def code_on_phone(open_page, count: int) -> str:  # type: ignore[no-untyped-def]
    """The code of the newest SMS to PHONE, once `count` SMS have reached it."""
    outbox = open_page("en-US")
    outbox.goto("/dev/sms")
    rows = outbox.locator("#sms tbody tr", has_text=PHONE)
    expect(rows).to_have_count(count)
    match = re.search(r"\b(\d{6})\b", rows.first.inner_text())
    assert match, "the SMS carries no code"
    outbox.close()
    return match.group(1)


def test_a_person_turns_on_codes_by_sms_and_logs_in_with_one(page, open_page):
    # Given Mohammad, logged in with his password, on the Security page
    log_in(page, "fines", "/")
    page.goto("/accounts/2fa/")
    page.locator("a[href='/accounts/2fa/sms/']").click()

    # Sahl asks for his password again before a second factor changes
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/sms/$"))

    # He gives his mobile number and types back the code it receives
    page.locator("input[name=phone]").fill("5000 4321")
    page.locator("button[name=send]").click()
    page.locator("input[name=code]").fill(code_on_phone(open_page, 1))
    page.locator("button[name=confirm]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.locator("main")).to_contain_text("+965 ••••• 321")

    # He logs out; at the next login the password is not enough
    page.locator("header form[action='/accounts/logout/'] button").click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(civil_id("fines"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/sms/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert serious(page) == []

    # The code page in English, on a phone
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Code by SMS")
    assert serious(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A wrong code is refused with the reason, then the code from the SMS logs him in
    page.locator("input[name=code]").fill("000000" if code_on_phone(open_page, 2) != "000000" else "111111")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".errors")).to_contain_text("That code is not right")
    assert serious(page) == []
    page.locator("input[name=code]").fill(code_on_phone(open_page, 2))
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator(".who")).to_have_text("Mohammad Salem Al-Ajmi")
