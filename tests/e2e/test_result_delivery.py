"""Issue 17, point 7, in a real browser on a 360 px phone, in Arabic and English: a renewal to be
collected at a kiosk is approved, and the application's page and the message say where and from
which day."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sahl.core.working_days import add_working_days, kuwait_holidays
from tests.e2e.helpers import file_and_pay_passport_renewal, log_in, open_until, serious

WHERE = {
    "ar": "يمكنك الاستلام من أحد أجهزة الخدمة الذاتية في مراكز الهوية الوطنية ابتداءً من {day}.",
    "en": "You can collect it at a self-service machine at a national identity centre from {day}.",
}
HEADING = {"ar": "طريقة الاستلام", "en": "How you receive it"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father's passport is renewed here: other modules find it as the demo describes it."""
    return own_server


def test_a_kiosk_renewal_approved_says_where_and_from_when(browser, server, open_page):
    phone = browser.new_context(
        base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True
    ).new_page()
    phone.context.add_cookies([{"name": "sahl_language", "value": "ar", "url": server}])
    reference = file_and_pay_passport_renewal(phone)
    application = phone.url
    expect(phone.locator("#handover")).to_have_count(0)  # nothing promised before the decision

    staff = open_page()
    log_in(staff, "caseworker", f"/backoffice/cases/{reference}")
    staff.locator("form[action$='/take'] button").click()
    staff.locator("form[action$='/approve'] button").click()
    expect(staff.locator("form[action$='/approve']")).to_have_count(0)

    # The page the approval's message links to says where and from which day (server's calendar)
    day = add_working_days(timezone.localdate(), 2, kuwait_holidays()).isoformat()
    for language in ("ar", "en"):
        phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        phone.goto(application)
        expect(phone.locator("html")).to_have_attribute("lang", language)
        expect(phone.locator("#handover-title")).to_have_text(HEADING[language])
        expect(phone.locator("#handover")).to_have_text(WHERE[language].format(day=day))
        expect(phone.locator("#who-acts")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, language
        assert serious(phone) == [], language

    # And the message in his inbox says it too (the worker writes it a moment after the approval)
    deadline = time.monotonic() + 60
    told = False
    while not told and time.monotonic() < deadline:
        open_until(phone, "/inbox", reference)
        links = phone.locator("main a", has_text=reference)
        for address in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            phone.goto(address)
            if WHERE["en"].format(day=day) in phone.locator("main").inner_text():
                told = True
                break
        else:
            phone.wait_for_timeout(500)
    assert told, "no message in the inbox says where and when"
    assert serious(phone) == []
    phone.context.close()
