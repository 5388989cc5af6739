"""A person adds a passkey (Chromium's virtual authenticator) and logs in with it, no password."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import log_in


@pytest.fixture
def authenticator(page):  # type: ignore[no-untyped-def]
    """A platform authenticator with user verification, as on a phone or a laptop."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def test_a_person_adds_a_passkey_and_logs_in_with_it(page, authenticator):
    # Given the mother, logged in with her password
    log_in(page, "mother", "/")

    # When she adds a passkey on this device, Sahl first asks for her password again
    page.goto("/accounts/2fa/webauthn/add/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))

    page.locator("input[name=name]").fill("هاتفي")
    passwordless = page.locator("input[name=passwordless]")
    if passwordless.count():
        passwordless.check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/(webauthn/)?(recovery-codes/)?$|/accounts/2fa/webauthn/$"))

    # And logs out
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("a[href='/accounts/login/']")).to_be_visible()

    # Then she logs in with the passkey alone
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    expect(page.locator(".who")).to_have_text("فاطمة يوسف العنزي")
