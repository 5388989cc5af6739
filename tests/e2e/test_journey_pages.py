"""Issue 19, points 8 and 11, on a 360-pixel phone in Arabic and in English: a visitor searches for a
newborn or a marriage, finds the journey above the services, reads its steps, and sees the journeys'
figures; every page fits the screen and axe-core finds nothing serious (the HTML check reads them
too, test_valid_html.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import serious

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
WORDS = {
    "ar": {"newborn": "مولود", "married": "زواج", "see": "اطّلع على الرحلات", "steps": "الخطوات"},
    "en": {"newborn": "newborn", "married": "marriage", "see": "See the journeys", "steps": "Steps"},
}
NAMES = {
    "ar": {"newborn": "رحلة المولود الجديد", "married": "رحلة الزواج"},
    "en": {"newborn": "The newborn journey", "married": "The married journey"},
}


def clean(phone) -> None:  # type: ignore[no-untyped-def]
    overflow = phone.evaluate(OVERFLOW)
    assert overflow <= 0, f"{phone.url} scrolls sideways by {overflow} px on a 360 px phone"
    assert serious(phone) == [], phone.url


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_visitor_finds_reads_and_counts_the_journeys_on_a_phone(phone, server, language):
    words, names = WORDS[language], NAMES[language]
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])

    # From the home page to the list of journeys.
    phone.goto("/")
    phone.get_by_role("link", name=words["see"]).click()
    phone.wait_for_url("**/journeys")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("#journeys li")).to_have_count(2)
    clean(phone)

    # A search for a newborn: the journey first, above the services; it opens the journey's page.
    for journey in ("newborn", "married"):
        phone.goto("/")
        box = phone.locator("form[role=search] input[name=q]").first
        box.click()
        box.press_sequentially(words[journey], delay=20)
        box.press("Enter")
        phone.wait_for_url("**/search?q=*")
        first = phone.locator("main .card a").first
        expect(first).to_have_attribute("href", f"/journeys/{journey}")
        expect(first).to_contain_text(names[journey])
        clean(phone)
        first.click()
        phone.wait_for_url(f"**/journeys/{journey}")
        expect(phone.get_by_role("heading", level=1)).to_have_text(names[journey])
        expect(phone.get_by_role("heading", level=2, name=words["steps"])).to_be_visible()
        clean(phone)

    # The married journey offers to start it yourself; the newborn's does not.
    expect(phone.locator("a[href='/journeys/married/start']")).to_be_visible()

    # The figures: every cell of a journey's row on the screen.
    phone.goto("/statistics")
    row = phone.locator("#journey-newborn")
    expect(row).to_contain_text(names["newborn"])
    for cell in row.locator("td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, cell.inner_text()
    clean(phone)
