"""A native app logs a person in through Sahl's OpenID provider in the real browser: authorization
code with PKCE to a loopback address (RFC 8252, caught by Playwright), the code exchanged with httpx,
the people's API called with the token, a refresh; then the person takes the app back on their page
and the app is refused. The consent page passes axe in Arabic and in English and fits a phone."""

from __future__ import annotations

import base64
import hashlib
import secrets
import subprocess
import sys
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, SERVED
from tests.e2e.helpers import log_in, serious

# CI: SQLite; a simulator make run serves, and the browser follows the redirects (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

PORT = 53682  # the app's loopback listener; any port is accepted for a registered loopback address


def register_app(server: str) -> str:
    """The operator registers the app (a public client with a loopback return address)."""
    names = ["--name-ar", "تطبيق التجربة", "--name-en", "Test app"]
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "register_app",
            *names,
            "--redirect-uri",
            "http://127.0.0.1/callback",
        ],
        env=SERVED[server],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def test_a_native_app_logs_in_with_pkce_calls_the_api_refreshes_and_is_taken_back(page, server):
    client_id = register_app(server)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = f"http://127.0.0.1:{PORT}/callback"
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile applications",
            "state": "e2e-state",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    arrived: list[str] = []
    page.route(
        f"{redirect_uri}*",
        lambda route: (arrived.append(route.request.url), route.fulfill(status=200, body="ok"))[-1],
    )

    # The app opens the browser at the authorization endpoint; the person logs in there first.
    log_in(page, "father", f"/oauth/authorize?{query}")
    expect(page.locator("h1")).to_have_text("هل تسمح لـ«تطبيق التجربة» باستخدام حسابك؟")
    expect(page.locator("main")).to_contain_text("الاطلاع على معاملاتك وتقديمها والرد عليها أو إلغاؤها")
    assert serious(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})

    # The same page in English, whole.
    page.locator("form.lang button").click()
    expect(page.locator("h1")).to_have_text("Let “Test app” use your account?")
    assert serious(page) == []

    page.get_by_role("button", name="Allow", exact=True).click()
    page.wait_for_function("() => location.href.startsWith('http://127.0.0.1')")
    answer = parse_qs(urlsplit(arrived[-1]).query)
    assert answer["state"] == ["e2e-state"]

    with httpx.Client(base_url=server, timeout=30) as app:
        tokens = app.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["code"][0],
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "code_verifier": verifier,
            },
        ).json()
        assert tokens["token_type"] == "Bearer", tokens

        def applications(token: str) -> httpx.Response:
            return app.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})

        assert applications(tokens["access_token"]).status_code == 200
        refreshed = app.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": client_id,
            },
        ).json()
        assert applications(refreshed["access_token"]).status_code == 200

        # The person takes the app back from their page.
        page.goto("/account/apps")
        page.get_by_role("button", name="Take back the permission of Test app").click()
        expect(page.locator(".flash")).to_contain_text("The app can no longer use your account.")

        refused = applications(refreshed["access_token"])
        assert refused.status_code == 401
        assert refused.headers["Content-Type"] == "application/problem+json"
        again = app.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refreshed["refresh_token"],
                "client_id": client_id,
            },
        )
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
