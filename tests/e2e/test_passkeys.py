"""A person adds a passkey (Chromium's virtual authenticator) and logs in with it, no password, even
while someone is guessing her password from another address."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import add_platform_authenticator, civil_id, log_in

# CI: SQLite; the browser does the work (WebAuthn) (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite


def from_address(server: str, address: str) -> httpx.Client:
    """A client whose requests leave from `address` (any of 127.0.0.0/8 reaches the server)."""
    return httpx.Client(
        base_url=server,
        transport=httpx.HTTPTransport(local_address=address),
        timeout=30,
        follow_redirects=False,
    )


def password_login(client: httpx.Client, civil_id: str, password: str) -> httpx.Response:
    """The login form as a browser posts it: its CSRF token first, from the page."""
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "the login page has no CSRF token"
    return client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "login": civil_id, "password": password},
    )


@pytest.fixture
def authenticator(page):  # type: ignore[no-untyped-def]
    """A platform authenticator with user verification, as on a phone or a laptop."""
    return add_platform_authenticator(page)


def test_a_person_adds_a_passkey_and_logs_in_with_it_while_her_password_is_guessed(
    page, authenticator, server
):
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

    # While someone sends 100 wrong passwords for her civil ID from another address (127.0.0.2)...
    with from_address(server, "127.0.0.2") as attacker:
        for _ in range(100):
            assert password_login(attacker, civil_id("mother"), "wrong-password").status_code in (200, 429)
        assert password_login(attacker, civil_id("mother"), DEMO_PASSWORD).status_code != 302  # held back
    # ...her right password from yet another address is accepted at once (with a passkey added, the
    # next step asks for it, as for anyone with a second factor)...
    with from_address(server, "127.0.0.3") as own_device:
        response = password_login(own_device, civil_id("mother"), DEMO_PASSWORD)
        assert response.status_code == 302 and "/accounts/2fa/authenticate" in response.headers["Location"]

    # ...and she logs in with the passkey alone
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    expect(page.locator(".who")).to_have_text("فاطمة يوسف العنزي")
