"""Issue 17, point 19, in the browser on a 360-pixel phone, in Arabic and in English: a caseworker types
a civil ID and a notice, sees the addressee's name partly masked and that it is not the person
meant, goes back (the text is kept), corrects the civil ID, sees the right person and confirms.
Every step is axe-clean and fits the screen; the pages are checked as HTML at the end."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sahl.core.masked_names import masked
from sahl.demo.registry import demo_persons
from tests.e2e.helpers import HttpClient, civil_id, serious

PHONE = {"width": 360, "height": 740}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
WORDS = {
    "ar": {"check": "تحقّق من صاحب الإشعار", "confirm": "تأكيد وإرسال", "back": "رجوع لتصحيح البيانات"},
    "en": {
        "check": "Check the addressee",
        "confirm": "Confirm and send",
        "back": "Back: correct the details",
    },
}
BODY = "يُرجى مراجعة إدارة المرور يوم الأحد.\nأحضر دفتر المركبة الأصلي."


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """A server of this module's own: the notices sent here do not reach other modules' inboxes."""
    return own_server


def name_of(key: str, language: str) -> str:
    person = next(p for p in demo_persons(timezone.localdate()) if p.key == key)
    return person.name_ar if language == "ar" else person.name_en


def on_phone(browser, server: str, client: HttpClient, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport=PHONE, is_mobile=True)
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])
    return context.new_page()


def fits_and_is_accessible(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px on a 360 px phone"
    assert serious(page) == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_caseworker_sees_the_masked_name_goes_back_to_fix_a_typo_and_confirms(browser, server, language):
    words = WORDS[language]
    subject = f"موعد فحص المركبة ({language})"
    caseworker = HttpClient(server).log_in("caseworker")
    page = on_phone(browser, server, caseworker, language)

    # Step 1: he means the father, but types the mother's civil ID
    page.goto("/backoffice/notices")
    expect(page.locator("html")).to_have_attribute("lang", language)
    fits_and_is_accessible(page)
    page.locator("#n-civil-id").fill(civil_id("mother"))
    page.locator("#n-subject").fill(subject)
    page.locator("#n-body").fill(BODY)
    page.get_by_role("button", name=words["check"]).click()

    # Step 2: the name is not the one he meant; nothing has been sent
    name = page.locator("#addressee-name")
    expect(name).to_have_text(masked(name_of("mother", language)))
    expect(name).not_to_contain_text(name_of("mother", language).split()[0])
    expect(page.locator("#addressee-civil-id")).to_have_text(civil_id("mother"))
    expect(page.locator("main")).to_contain_text(subject)
    fits_and_is_accessible(page)
    expect(page.locator("table.list tbody tr", has_text=subject)).to_have_count(0)  # not sent

    # Back: the form again, as he typed it; he corrects the civil ID
    page.get_by_role("button", name=words["back"]).click()
    expect(page.locator("#n-civil-id")).to_have_value(civil_id("mother"))
    expect(page.locator("#n-subject")).to_have_value(subject)
    expect(page.locator("#n-body")).to_have_value(BODY)
    fits_and_is_accessible(page)
    page.locator("#n-civil-id").fill(civil_id("father"))
    page.get_by_role("button", name=words["check"]).click()

    # The right person: he confirms, and lands on the notice, sent to the father with the text typed
    expect(page.locator("#addressee-name")).to_have_text(masked(name_of("father", language)))
    fits_and_is_accessible(page)
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url("**/backoffice/notices/N-*")
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.locator("main")).to_contain_text(civil_id("father"))
    for line in BODY.split("\n"):
        expect(page.locator(".message")).to_contain_text(line)
    fits_and_is_accessible(page)

    # Exactly one notice with this subject was sent
    page.goto("/backoffice/notices")
    expect(page.locator("table.list tbody tr", has_text=subject)).to_have_count(1)
    page.context.close()
