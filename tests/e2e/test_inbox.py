"""The inbox, a message, the notification settings and the agency's notices: accessible in Arabic and
English, in a real browser. (An official notice to the mother gives her inbox something to show.)"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, civil_id, hidden_input, serious


def send_notice(caseworker: HttpClient, subject: str) -> str:
    """Check the addressee (the mother's name is shown), then confirm."""
    form = caseworker.get("/backoffice/notices")
    fields = {
        "csrfmiddlewaretoken": hidden_input(form.text, "csrfmiddlewaretoken"),
        "civil_id": civil_id("mother"),
        "subject": subject,
        "body": "يُرجى الحضور إلى إدارة المرور يوم الأحد.",
    }
    checked = caseworker.post("/backoffice/notices", fields)
    assert checked.status == 200, checked.text[:300]
    confirmation = hidden_input(checked.text, "confirmation")
    sent = caseworker.post("/backoffice/notices", fields | {"step": "confirm", "confirmation": confirmation})
    assert sent.status == 302, sent.text[:300]
    return sent.location


def newest_message(mother: HttpClient) -> str:
    match = re.search(r'href="/inbox/(\d+)"', mother.get("/inbox").text)
    assert match is not None, "the notice is not in the mother's inbox"
    return match.group(1)


@pytest.fixture(scope="module")
def scene(server: str) -> dict:
    caseworker = HttpClient(server).log_in("caseworker")
    notice = send_notice(caseworker, "استدعاء للحضور")
    mother = HttpClient(server).log_in("mother")
    return {"mother": mother, "caseworker": caseworker, "message": newest_message(mother), "notice": notice}


def browse_as(page, server: str, client: HttpClient, language: str) -> None:
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    page.context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])


PAGES = {
    "inbox": ("mother", "/inbox"),
    "notification settings": ("mother", "/account/notifications"),
    "a message": ("mother", "/inbox/{message}"),
    "the agency's notices": ("caseworker", "/backoffice/notices"),
    "one notice with its proof": ("caseworker", "{notice}"),
}


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_inbox_pages_have_no_serious_accessibility_problems(page, server, scene, language, name):
    who, path = PAGES[name]
    browse_as(page, server, scene[who], language)
    answer = page.goto(path.format(**scene))
    assert answer is not None and answer.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert serious(page) == []


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_settings_form_with_mistakes_has_no_serious_accessibility_problems(page, server, scene, language):
    browse_as(page, server, scene["mother"], language)
    page.goto("/account/notifications")
    page.locator("#p-email").fill("fatima@")
    page.locator("#p-phone").fill("1234")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".errors[role=alert]")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(2)
    error = "عنوان البريد الإلكتروني غير صحيح" if language == "ar" else "This e-mail address is not valid"
    expect(page.locator("#e-email")).to_contain_text(error)
    assert serious(page) == []


def settled_unread(page) -> int:  # type: ignore[no-untyped-def]
    """The unread count once the background worker has written the messages earlier stories on
    this server queued (they reach the inbox a moment after each change)."""
    last = -1
    for _ in range(40):
        page.goto("/inbox")
        unread = int(page.locator("#unread strong").inner_text())
        if unread == last:
            return unread
        last = unread
        page.wait_for_timeout(1500)
    raise AssertionError("the unread count kept changing")


def test_the_header_counts_unread_messages_and_opening_one_reads_it(page, server, scene):
    send_notice(scene["caseworker"], "إشعار بموعد الفحص الفني")
    message = newest_message(scene["mother"])
    browse_as(page, server, scene["mother"], "en")
    unread = settled_unread(page)
    assert unread >= 1
    expect(page.locator("header .badge")).to_contain_text(str(unread))
    page.locator(f'a[href="/inbox/{message}"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("إشعار بموعد الفحص الفني")
    expect(page.locator("main")).to_contain_text("Opened")
    page.goto("/inbox")
    expect(page.locator("#unread strong")).to_have_text(str(unread - 1))
