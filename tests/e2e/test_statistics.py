"""Issue 22, parts 5 and 6, on a 360-pixel phone: the statistics page in Arabic (right to left) and
in English, each chart drawn as SVG with its table under it, nothing wider than the screen, axe-core
finding nothing serious; the open-data page too (the HTML check reads both, test_valid_html.py)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import serious

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_statistics_and_the_open_data_read_on_a_phone_in_both_languages(phone, server):
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        phone.goto("/statistics")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        expect(phone.locator("html")).to_have_attribute("dir", direction)
        # Each chart, then the table with its figures for screen readers.
        chart = phone.locator("#chart-completed")
        expect(chart).to_have_attribute("role", "img")
        table = phone.locator("#chart-completed + .table-wrap table#table-completed")
        expect(table).to_have_count(1)
        expect(table.locator("caption")).to_have_count(1)
        expect(phone.locator("#table-accounts tfoot th")).to_have_count(1)
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert phone.evaluate(OVERFLOW) <= 0, f"{language}: the page scrolls sideways on a 360 px phone"
        assert serious(phone) == [], language

        phone.goto("/open-data")
        expect(phone.locator("a[href='/open-data/statistics.csv']")).to_be_visible()
        expect(phone.locator("a[href='/open-data/datapackage.json']")).to_be_visible()
        assert phone.evaluate(OVERFLOW) <= 0
        assert serious(phone) == [], language
