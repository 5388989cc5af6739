"""Issue 17, point 1: a person types a search as they would on a 360 px phone, in both languages,
and finds the service; ten results a page, the next ten a tap away; the results page is clean for
axe-core and fits the screen."""

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


BROAD = {"ar": "تجديد", "en": "renewal"}  # dozens of services each


def test_a_broad_search_shows_ten_at_a_time_and_the_next_ten_a_tap_away(phone, server):
    for language, typed in BROAD.items():
        phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        phone.goto(f"/search?q={typed}")
        cards = phone.locator("main li.card")
        expect(cards).to_have_count(10)
        best = cards.first.inner_text()
        phone.locator("a[rel=next]").click()
        phone.wait_for_url("**&page=2")
        expect(cards.first).to_be_visible()
        assert cards.first.inner_text() != best
        assert serious(phone) == [], language
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (language, overflow)
        phone.locator("a[rel=prev]").click()
        phone.wait_for_url("**&page=1")
        expect(cards.first).to_have_text(best)
