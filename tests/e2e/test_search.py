"""Issue 17, point 1: a person types a search as they would on a 360 px phone, in both languages,
and finds the service; the results page is clean for axe-core and fits the screen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import serious

TYPED = {
    # the article and a plural, typed with a haa for the taa marbuta and no hamza
    "ar": ("تجديد الجوازات", "moi.passport-renewal"),
    # American spelling and one wrong letter in a catalogue written in British English
    "en": ("driver licnse renewal", "moi.driving-licence-renewal"),
}


def test_a_person_types_a_search_on_a_phone_and_finds_the_service(phone, server):
    for language, (typed, code) in TYPED.items():
        phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        phone.goto("/")
        box = phone.locator("form[role=search] input[name=q]").first
        box.click()
        box.press_sequentially(typed, delay=20)
        box.press("Enter")
        phone.wait_for_url("**/search?q=*")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        first = phone.locator(f"main a[href='/services/{code}']").first
        expect(first).to_be_visible()
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (language, overflow)
        assert serious(phone) == [], language
        first.click()
        phone.wait_for_url(f"**/services/{code}")
