"""Logging in with Hawiyati from another device (OpenID4VP, cross-device, direct_post): the login
page's request, the wallet's presentation of the civil ID, and each reason Sahl refuses one."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from sahl.audit.models import AuditEntry
from sahl.wallet import revoking, sdjwt
from sahl.wallet.models import Credential, RegisterCopy, WalletLogin
from tests.integration.conftest import DjangoTransport
from tests.integration.test_wallet_registers import from_register, receive
from tests.oid4vci_client import Wallet

pytestmark = pytest.mark.django_db
ISSUER = "http://localhost:8000"
CLIENT_ID = f"redirect_uri:{ISSUER}/wallet/login/response"


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


@pytest.fixture
def holder(login, demo, http) -> tuple[Wallet, str]:
    """Rajesh's wallet (on his phone) holding his civil ID credential."""
    phone = login(demo["expat"], "en")
    wallet, received = receive(http, phone, from_register(phone, "civil_id"))
    return wallet, received["civil_id"]


def desktop(language: str = "en") -> tuple[Client, dict]:
    """A browser on the login page: its request, as a wallet reads it from the QR code."""
    browser = Client()
    browser.cookies["sahl_language"] = language
    page = browser.get("/accounts/login/")
    assert page.status_code == 200
    handle = browser.session["wallet_login"]["handle"]
    login = WalletLogin.objects.get(handle=handle)
    html = page.content.decode()
    assert f">{login.short_code}</strong>" in html and 'alt="QR code for logging in with Hawiyati"' in html
    response = browser.get(f"/wallet/login/{handle}/request")
    assert response["Content-Type"] == "application/oauth-authz-req+jwt"
    header, payload, signature = response.content.decode().split(".")
    assert (json.loads(_unb64(header)), signature) == ({"alg": "none", "typ": "oauth-authz-req+jwt"}, "")
    return browser, json.loads(_unb64(payload))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def present(wallet: Wallet, credential: str, request: dict, **changes) -> str:
    binding = {"aud": request["client_id"], "nonce": request["nonce"], "iat": int(time.time())} | changes
    return sdjwt.present(
        credential, ["civil_id"], wallet.key, binding["aud"], binding["nonce"], binding["iat"]
    )


def post(http: httpx.Client, presentation: str, state: str, language: str = "en") -> httpx.Response:
    vp_token = json.dumps({"civil_id": [presentation]})
    return http.post(
        "/wallet/login/response",
        data={"vp_token": vp_token, "state": state},
        headers={"Accept-Language": language},
    )


def progress(browser: Client, request: dict) -> dict:
    return browser.get(f"/wallet/login/{request['state']}/state").json()


def test_the_request_asks_for_the_civil_id_as_oid4vp_says(holder):
    _, request = desktop()
    assert request["client_id"] == CLIENT_ID
    assert request["response_uri"] == f"{ISSUER}/wallet/login/response"
    assert (request["response_type"], request["response_mode"]) == ("vp_token", "direct_post")
    [query] = request["dcql_query"]["credentials"]
    assert query["format"] == "dc+sd-jwt" and query["meta"]["vct_values"] == [f"{ISSUER}/vct/civil_id"]
    assert request["nonce"] and request["state"] and len(request["sahl_short_code"]) == 4


def test_a_good_presentation_logs_the_waiting_browser_in(holder, http, demo):
    wallet, credential = holder
    browser, request = desktop()
    assert progress(browser, request) == {"state": "waiting", "reason": "", "message": ""}

    answered = post(http, present(wallet, credential, request), request["state"])
    assert answered.status_code == 200, answered.text
    assert progress(browser, request)["state"] == "accepted"

    # Another browser cannot finish it: only the one that asked holds the request's secret
    stranger = Client()
    stranger.get(f"/wallet/login/{request['state']}/finish")
    assert "_auth_user_id" not in stranger.session

    finished = browser.get(f"/wallet/login/{request['state']}/finish")
    assert finished.status_code == 302
    assert browser.session["_auth_user_id"]
    assert browser.get("/wallet/").status_code == 200
    assert AuditEntry.objects.filter(kind="login", subject_civil_id=demo["expat"]).exists()
    # Once: the request is used
    assert WalletLogin.objects.get(handle=request["state"]).outcome == WalletLogin.Outcome.USED


def refused(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["reason"]


def test_a_replayed_presentation_is_refused(holder, http):
    wallet, credential = holder
    _, first = desktop()
    presentation = present(wallet, credential, first)
    assert post(http, presentation, first["state"]).status_code == 200
    assert refused(post(http, presentation, first["state"])) == (403, "replayed")
    browser, second = desktop()
    assert refused(post(http, presentation, second["state"])) == (403, "replayed")
    assert progress(browser, second)["state"] == "waiting"  # a bad answer does not spoil the request


def test_a_presentation_for_another_request_is_refused(holder, http):
    wallet, credential = holder
    _, mine = desktop()
    browser, other = desktop()
    answer = post(http, present(wallet, credential, mine), other["state"])
    assert refused(answer) == (403, "foreign_request")
    assert answer.json()["message"] == "This answer was made for another login request."
    # The waiting browser says why, in its own language, and keeps waiting
    assert progress(browser, other) == {
        "state": "waiting",
        "reason": "foreign_request",
        "message": "This answer was made for another login request.",
    }


def test_a_wrong_nonce_or_audience_or_an_old_proof_is_refused(holder, http):
    wallet, credential = holder
    _, request = desktop()
    state = request["state"]
    assert refused(post(http, present(wallet, credential, request, nonce="made-up"), state)) == (
        403,
        "wrong_nonce",
    )
    wrong_site = present(wallet, credential, request, aud="redirect_uri:https://evil.example/cb")
    assert refused(post(http, wrong_site, state)) == (403, "wrong_audience")
    old = present(wallet, credential, request, iat=int(time.time()) - 600)
    assert refused(post(http, old, state)) == (403, "stale_proof")
    assert refused(post(http, "not.a~presentation~", state)) == (400, "not_genuine")
    assert refused(post(http, present(wallet, credential, request), "no-such-state")) == (
        400,
        "request_unknown",
    )


def test_an_expired_request_is_refused(holder, http):
    wallet, credential = holder
    browser, request = desktop()
    WalletLogin.objects.filter(handle=request["state"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    answer = post(http, present(wallet, credential, request), request["state"], "ar")
    assert refused(answer) == (403, "request_expired")
    assert answer.json()["message"] == "انتهت صلاحية رمز الدخول. افتح صفحة الدخول مجدداً للحصول على رمز جديد."
    assert progress(browser, request)["state"] == "expired"


@pytest.mark.parametrize(
    ("action", "reason"), [("revoke", "credential_revoked"), ("suspend", "credential_suspended")]
)
def test_a_revoked_or_suspended_civil_id_is_refused(holder, http, demo, action, reason):
    wallet, credential = holder
    browser, request = desktop()
    copy = RegisterCopy.objects.get(
        holder_civil_id=demo["expat"], document="civil_id", revoked_at__isnull=True
    )
    value = Credential.Status.REVOKED if action == "revoke" else Credential.Status.SUSPENDED
    Credential.objects.filter(copy=copy).update(status=value)
    revoking.status.set_status([], value)  # nothing more: the list is re-read from the rows
    assert refused(post(http, present(wallet, credential, request), request["state"])) == (403, reason)
    assert progress(browser, request)["reason"] == reason
    assert AuditEntry.objects.filter(kind="login_failed", subject_civil_id=demo["expat"]).exists()
    browser.get(f"/wallet/login/{request['state']}/finish")
    assert "_auth_user_id" not in browser.session


def test_wallet_logins_are_throttled_per_source(http, monkeypatch):
    from limits import parse_many

    from sahl.identity import throttle

    for name in ("wallet_login.start", "wallet_login.answer"):
        monkeypatch.setitem(throttle.LIMITS, name, tuple(parse_many("1 per 10 minutes")))
    assert "wallet-login-title" in Client().get("/accounts/login/").content.decode()
    page = Client().get("/accounts/login/", headers={"Accept-Language": "en"})
    assert "Too many wallet logins were started" in page.content.decode()
    assert 'id="login"' in page.content.decode() or "password" in page.content.decode()  # the form stays
    assert http.post("/wallet/login/response", data={"vp_token": "x", "state": "y"}).status_code == 400
    assert http.post("/wallet/login/response", data={"vp_token": "x", "state": "y"}).status_code == 429
