"""Logging in with Hawiyati from another device, in two browsers: the desktop shows the login page's
QR code, the phone (holding its civil ID in the web wallet) approves, the desktop is logged in. A
replayed answer, an answer for another request and a revoked civil ID are refused, with the reason
on both screens.

On the shared server: Khaled (the demo's company representative, in no other browser test) is the
one who logs in, and the one whose civil ID credential is revoked, last.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, SERVED
from tests.e2e.helpers import civil_id, log_in, serious

# CI: SQLite; the browser does the work (a wallet presents its credential) (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

WHO = "delegate"
APPROVE = "الموافقة والدخول"
QR_NAME = "رمز الاستجابة السريعة للدخول بهويتي"


@pytest.fixture
def phone(browser, server):  # type: ignore[no-untyped-def]
    """Khaled's phone: logged in to Sahl, his civil ID kept in Hawiyati (the web wallet)."""
    context = browser.new_context(
        base_url=server, locale="ar-KW", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, WHO, "/wallet/")
    wallet_ready(page)
    expect(page.locator(".wallet-card[data-type=civil_id][data-state=valid]")).to_have_count(1)
    yield page
    context.close()


def wallet_ready(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#wallet")).to_have_attribute("data-ready", "true", timeout=30_000)


def login_page(open_page):  # type: ignore[no-untyped-def]
    """A desktop browser on the login page: its QR code's text and its short code."""
    desktop = open_page()
    desktop.goto("/accounts/login/")
    panel = desktop.locator("#wallet-login")
    qr = panel.get_by_role("img", name=QR_NAME)
    expect(qr).to_be_visible()
    return desktop, str(qr.get_attribute("data-text")), panel.locator("[data-role=short-code]").inner_text()


def scan(phone, url: str):  # type: ignore[no-untyped-def]
    """The phone opens the QR code's address: Hawiyati asks whether to log in there."""
    phone.goto(url)
    wallet_ready(phone)
    ask = phone.locator("#wallet-ask")
    expect(ask).to_have_attribute("data-ready", "true")
    return ask


def post_again(server: str, presentation: str, state: str) -> dict:
    body = urllib.parse.urlencode(
        {"vp_token": json.dumps({"civil_id": [presentation]}), "state": state}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the test server's own address)
        f"{server}/wallet/login/response", data=body, headers={"Accept-Language": "en"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            return {"reason": ""}
    except urllib.error.HTTPError as refused:
        return dict(json.loads(refused.read()))


def state_of(url: str) -> str:
    request_uri = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["request_uri"][0]
    return request_uri.rstrip("/").split("/")[-2]


def test_the_phone_approves_and_the_desktop_is_logged_in(phone, open_page, server):
    desktop, url, code = login_page(open_page)
    assert re.fullmatch(r"\d{4}", code)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["client_id"] == [f"redirect_uri:{server}/wallet/login/response"]

    # The phone shows who asks, from where, and the same code
    ask = scan(phone, url)
    expect(ask.locator("[data-role=ask-origin]")).to_have_text(server)
    expect(ask.locator("[data-role=ask-code]")).to_have_text(code)
    assert serious(phone) == []
    ask.get_by_role("button", name=APPROVE).click()
    expect(ask).to_have_attribute("data-outcome", "approved")
    expect(ask.locator("[data-role=ask-status]")).to_have_text("تم: تسجّل الشاشة الأخرى دخولك الآن.")

    # The desktop, waiting, is logged in as Khaled
    expect(desktop.locator("form[action='/accounts/logout/']")).to_have_count(1, timeout=15_000)
    desktop.goto("/wallet/")
    expect(desktop).to_have_url(re.compile(r"/wallet/$"))
    assert civil_id(WHO) in str(desktop.locator("#wallet-holder").text_content())

    # The same answer again is refused: it was used
    presentation = str(ask.get_attribute("data-presentation"))
    assert post_again(server, presentation, state_of(url))["reason"] == "replayed"


def test_an_answer_for_another_request_is_refused_on_both_screens(phone, open_page):
    _, mine, _ = login_page(open_page)
    other_desktop, other, _ = login_page(open_page)

    # Whatever the phone approves is posted as the other browser's answer (a relay swapping requests)
    def swap(route) -> None:  # type: ignore[no-untyped-def]
        form = urllib.parse.parse_qs(route.request.post_data or "")
        form["state"] = [state_of(other)]
        route.continue_(post_data=urllib.parse.urlencode({k: v[0] for k, v in form.items()}))

    phone.route("**/wallet/login/response", swap)
    ask = scan(phone, mine)
    ask.get_by_role("button", name=APPROVE).click()
    said = "أُعدّت هذه الإجابة لطلب دخول آخر."
    expect(ask.locator("[data-role=ask-error]")).to_have_text(said)
    expect(other_desktop.locator("[data-role=login-refusal]")).to_have_text(said, timeout=15_000)
    expect(other_desktop.locator("form[action='/accounts/logout/']")).to_have_count(0)


def test_a_revoked_civil_id_is_refused(phone, open_page, server):
    # Last: the civil ID credentials Khaled's wallet holds are revoked on the status list
    revoke = (
        "from sahl.wallet.models import Credential; from sahl.wallet import status; "
        f"status.set_status(list(Credential.objects.filter(holder_civil_id='{civil_id(WHO)}', "
        "configuration='civil_id')), Credential.Status.REVOKED)"
    )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", revoke],
        env=SERVED[server],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    desktop, url, _ = login_page(open_page)
    ask = scan(phone, url)
    ask.get_by_role("button", name=APPROVE).click()
    said = "أُلغيت هذه البطاقة المدنية. افتح هويتي وأنت متصل بالإنترنت لتستلم البطاقة الحالية."
    expect(ask.locator("[data-role=ask-error]")).to_have_text(said)
    expect(desktop.locator("[data-role=login-refusal]")).to_have_text(said, timeout=15_000)
    expect(desktop.locator("form[action='/accounts/logout/']")).to_have_count(0)
