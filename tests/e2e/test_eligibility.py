"""Issue 17, points 5 and 6 on a 360 px phone, in Arabic and English: the service page says before
the person starts that a power of attorney does not cover the service, and offers to act for
oneself again; a refusal for unpaid fines gives their count and total and a link that leads to
paying them. Every page is clean for axe-core and fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sahl.demo.names import OFFENCES
from tests.e2e.helpers import civil_id, log_in, serious

JUSTICE = "moj.court-ruling-copy"  # the Ministry of Justice's: outside a "government transactions" power
RENEWAL = "moi.vehicle-registration-renewal"
FINES = "moi.traffic-fines-payment"
MOTHER = {"ar": "فاطمة يوسف العنزي", "en": "Fatima Yousef Al-Enezi"}
SCOPE = {"ar": "المعاملات الحكومية", "en": "Government transactions"}
COUNT = {"ar": "عدد المخالفات: 2", "en": "number of fines: 2"}
_FILS = sum(fils for _, _, fils in OFFENCES[:2])  # the demo's fined person's two fines
TOTAL = f"{_FILS // 1000}.{_FILS % 1000:03d}"


def fits(phone) -> None:  # type: ignore[no-untyped-def]
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert serious(phone) == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_service_page_says_a_power_of_attorney_does_not_cover_it_before_starting(phone, server, language):
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    # Given the father acts for his wife, who gave him a power of attorney for government transactions
    log_in(phone, "father", "/acting-as")
    phone.locator("#powers form").filter(has=phone.locator(f"input[value='{civil_id('mother')}']")).locator(
        "button"
    ).click()
    expect(phone.locator("#acting")).to_contain_text(MOTHER[language])

    # When he opens a Ministry of Justice service
    phone.goto(f"/services/{JUSTICE}")

    # Then the page says, before he starts, that the power does not reach it, and offers no start
    refusal = phone.locator(".apply [data-verdict='mandate.scope']")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(MOTHER[language])
    expect(refusal).to_contain_text(SCOPE[language])
    expect(phone.locator(f".apply a[href='/services/{JUSTICE}/apply']")).to_have_count(0)
    fits(phone)

    # And acting for himself again, he reads the page's answer for himself, on the same page
    refusal.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/services/{JUSTICE}")
    expect(phone.locator("#acting")).to_have_count(0)
    expect(phone.locator(".apply [data-verdict='mandate.scope']")).to_have_count(0)
    fits(phone)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_fines_refusal_gives_count_and_total_and_leads_to_paying_them(phone, server, language):
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    # Given a person with 2 unpaid traffic fines
    log_in(phone, "fines", f"/services/{RENEWAL}")

    # Then the renewal's page gives their count and total, and a link to pay them
    refusal = phone.locator(".apply [data-verdict='application.unpaid_fines']")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(COUNT[language])
    expect(refusal).to_contain_text(TOTAL)
    expect(phone.locator(f".apply a[href='/services/{RENEWAL}/apply']")).to_have_count(0)
    fits(phone)

    # And the link leads to the fines' payment, which he can start
    refusal.locator(f"a[href='/services/{FINES}']").click()
    phone.wait_for_url(f"**/services/{FINES}")
    expect(phone.locator(".apply [data-verdict='eligible']")).to_be_visible()
    expect(phone.locator(f".apply a[href='/services/{FINES}/apply']")).to_be_visible()
    fits(phone)
