"""Issue 17, point 18, in the browser: on a 360-pixel phone, in Arabic and in English, a person adds a
passkey in Sahl's words (no "Passwordless" box, named "Passkey 1"), logs out, logs in with the
passkey alone and lands where she was going; logging in with her password, the second step asks
for the passkey, not for a code. Every page in one language, axe clean, no sideways scroll.
Chromium's virtual authenticator plays the phone's (tests/e2e/test_passkeys.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import add_platform_authenticator, civil_id, serious

# CI: SQLite; the browser does the work (WebAuthn) (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

PHONE = {"width": 360, "height": 740}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The person of each language: a server of this module's own, so other modules' passkey tests
# still find their people without one.
PERSON = {"ar": "father", "en": "expat"}
WORDS = {
    "ar": {
        "security": "الأمان",
        "add": "أضف مفتاح مرور",
        "name": "مفتاح مرور 1",
        "confirm": "أكّد هويتك",
        "use": "استخدم مفتاح المرور",
        "recovery": "رموز الاسترداد",
        "added": "أُضيف في",
    },
    "en": {
        "security": "Security",
        "add": "Add a passkey",
        "name": "Passkey 1",
        "confirm": "Confirm it is you",
        "use": "Use your passkey",
        "recovery": "Recovery codes",
        "added": "Added on",
    },
}
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    return own_server


@pytest.fixture
def phone_with_authenticator(browser, server):  # type: ignore[no-untyped-def]
    """A 360 px phone whose platform authenticator checks the person (fingerprint, face or PIN)."""
    context = browser.new_context(base_url=server, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    add_platform_authenticator(page)
    yield page
    context.close()


def in_language(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """The page is in `language` only (codes, shown as <code>, are data), fits the phone, axe clean."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    text = page.evaluate(
        "() => { const m = document.querySelector('main').cloneNode(true);"
        " m.querySelectorAll('code, script').forEach(e => e.remove()); return m.innerText; }"
    )
    if language == "ar":
        assert not ENGLISH_WORD.findall(text), (
            f"{page.url}: English on an Arabic page: {ENGLISH_WORD.findall(text)}"
        )
    else:
        assert not ARABIC_LETTER.findall(text), f"{page.url}: Arabic on an English page: {text!r}"
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px on a 360 px phone"
    assert serious(page) == [], page.url


def landed(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """On `path`, its navigation over (the passkey's form posts, then the page redirects)."""
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    """The header's "Log out", inside the menu that is folded on a phone."""
    button = page.locator("header form[action='/accounts/logout/'] button")
    for _ in range(3):  # a page still settling after the passkey's redirect may close the menu again
        if button.is_visible():
            break
        page.locator("header details.menu > summary").click()
        try:
            expect(button).to_be_visible(timeout=3000)
        except AssertionError:
            page.wait_for_load_state("networkidle")
    button.click()
    expect(page.locator("header a[href='/accounts/login/']")).to_have_count(1)


def switch_to(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """The header's language switch (outside the folded menu), if the page is in the other language."""
    if page.locator("html").get_attribute("lang") != language:
        page.locator("form.lang button").click()
        expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_person_adds_a_passkey_and_logs_in_with_it_alone_on_a_phone(
    phone_with_authenticator, server, language
):
    page = phone_with_authenticator
    words = WORDS[language]
    person = civil_id(PERSON[language])

    # Logged in with her password, on her Security page in her language
    page.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    page.goto("/accounts/login/?next=/accounts/2fa/")
    switch_to(page, language)
    page.locator("input[name=login]").fill(person)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/$"))
    switch_to(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["security"])
    in_language(page, language)

    # "Add a passkey": Sahl asks for her password again first (in its words), then the add page
    page.get_by_role("link", name=words["add"]).first.click()
    if "/accounts/reauthenticate/" in page.url:
        expect(page.get_by_role("heading", level=1)).to_have_text(words["confirm"])
        in_language(page, language)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["add"])
    expect(page.locator("input[type=checkbox]")).to_have_count(0)  # no "Passwordless" trap
    expect(page.locator("input[name=name]")).to_have_value(words["name"])
    in_language(page, language)
    page.locator("#mfa_webauthn_add").click()

    # Added: her recovery codes, in case she loses the phone; then the list names the passkey and its date
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["recovery"])
    in_language(page, language)
    page.goto("/accounts/2fa/webauthn/")
    expect(page.locator("main .card h2")).to_have_text(words["name"])
    expect(page.locator("main .card")).to_contain_text(words["added"])
    in_language(page, language)
    # ...and the other pages of the Security section read the same way
    for path in (
        page.locator("main .card a[href$='/edit/']").get_attribute("href"),
        page.locator("main .card a[href$='/remove/']").get_attribute("href"),
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/generate/",
    ):
        page.goto(str(path))
        expect(page.locator("main h1")).to_be_visible()
        in_language(page, language)

    # She logs out, and logs in with the passkey alone, landing where she was going
    log_out(page)
    page.goto("/accounts/login/?next=/applications")
    in_language(page, language)
    page.locator("#passkey_login").click()
    landed(page, "/applications")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # With her password instead, the second step asks for the passkey, not for a code
    log_out(page)
    page.goto("/accounts/login/?next=/applications")
    page.locator("input[name=login]").fill(person)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["confirm"])
    expect(page.locator("input[name=code]")).to_be_hidden()  # only a recovery code, folded away
    in_language(page, language)
    page.get_by_role("button", name=words["use"]).click()
    landed(page, "/applications")
