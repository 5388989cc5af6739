"""Issue 17, point 17: on a 360-pixel phone, in Arabic and in English, "My applications" and the back
office's queue fit the screen (no sideways scroll, every column of a row on screen), and the
header's links fold into a menu that opens without JavaScript and leads where it says. On a
desktop the same links stay in the header, unfolded."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, serious

pytestmark = pytest.mark.presentation

PHONE = {"width": 360, "height": 740}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
WALLET = {"ar": "هويتي", "en": "Hawiyati"}
MENU = {"ar": "القائمة", "en": "Menu"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The mother files an application here that the caseworker takes: a server of this module's own,
    so that other modules still count her applications and the queue's cases as the demo has them."""
    return own_server


@pytest.fixture(scope="module")
def scene(server: str) -> dict[str, HttpClient | str]:
    """Over plain HTTP: the mother's accident certificate, paid, in the caseworker's queue."""
    mother = HttpClient(server).log_in("mother")
    caseworker = HttpClient(server).log_in("caseworker")
    reference = mother.apply(
        "moi.traffic-accident-certificate",
        {
            "accident_date": "2026-01-15",
            "governorate": "KW-HA",
            "report_number": "HA-2026-0042",
            "plate_number": "3-77120",
            "purpose": "insurance",
        },
    )
    mother.pay(reference)
    assert caseworker.post(f"/backoffice/cases/{reference}/take", {}).status == 302
    return {"mother": mother, "caseworker": caseworker, "reference": reference}


def on_phone(browser, server: str, client: HttpClient, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport=PHONE, is_mobile=True)
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])
    return context.new_page()


def fits(page) -> None:  # type: ignore[no-untyped-def]
    """No sideways scroll, and every cell of the list's first row lies within the screen."""
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px on a 360 px phone"
    for cell in page.locator("table.list tbody tr").first.locator("td").all():
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"{cell.inner_text()!r} lies outside the screen at {box}"
        )
    assert serious(page) == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_my_applications_the_queue_and_the_folded_header_fit_a_phone(browser, server, scene, language):
    direction = "rtl" if language == "ar" else "ltr"

    # The mother's applications: her reference, status and both dates on screen, in rows of their own
    page = on_phone(browser, server, scene["mother"], language)
    page.goto("/applications")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    row = page.locator("table.list tbody tr", has_text=str(scene["reference"]))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    fits(page)

    # The header shows the menu, not its links; opened, it lists them, and one leads to its page
    header = page.locator("header")
    wallet = header.get_by_role("link", name=WALLET[language], exact=True)
    expect(wallet).to_be_hidden()
    menu = header.get_by_text(MENU[language], exact=True)
    expect(menu).to_be_visible()
    assert (header.bounding_box() or {"height": 999})["height"] <= 120, "the folded header is tall"
    menu.click()
    expect(wallet).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0, "the open menu scrolls sideways"
    assert serious(page) == []
    wallet.click()
    expect(page).to_have_url(re.compile(r"/wallet/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(WALLET[language])
    expect(header.get_by_role("link", name=WALLET[language], exact=True)).to_be_hidden()
    page.context.close()

    # The caseworker's queue: the service filter and the case's row within the screen
    page = on_phone(browser, server, scene["caseworker"], language)
    page.goto("/backoffice/")
    expect(page.locator("table.list tbody tr", has_text=str(scene["reference"]))).to_have_count(1)
    expect(page.locator("#q-service")).to_be_visible()
    box = page.locator("#q-service").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    fits(page)
    page.context.close()


def test_on_a_desktop_the_header_links_are_not_folded(page, server, scene):
    page.context.add_cookies(
        [{"name": c.name, "value": c.value or "", "url": server} for c in scene["mother"].jar]
    )
    page.goto("/applications")
    header = page.locator("header")
    expect(header.get_by_text(MENU["ar"], exact=True)).to_be_hidden()
    header.get_by_role("link", name=WALLET["ar"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/wallet/$"))
