"""A person of the population register with no account joins Sahl from the login page: civil ID and
the serial number of the civil ID card, a code by SMS to the mobile number the register holds (read
from the dev outbox, /dev/sms, as from her phone), a password, the offer of a passkey; then she logs
in with that password. A wrong serial, a minor, a wrong code and an expired code are each refused,
and none of the first answers tells whether a civil ID exists."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from sahl.demo.civil_ids import card_of
from tests.e2e.conftest import ROOT, SERVED
from tests.e2e.helpers import civil_id, serious

PASSWORD = "a camel crossing 2026"
NOT_MATCHED = "هذه البيانات لا تطابق بطاقة مدنية"


def code_on_phone(open_page, mobile: str, count: int) -> str:  # type: ignore[no-untyped-def]
    outbox = open_page("en-US")
    outbox.goto("/dev/sms")
    rows = outbox.locator("#sms tbody tr", has_text=mobile)
    expect(rows).to_have_count(count)
    match = re.search(r"\b(\d{6})\b", rows.first.inner_text())
    assert match, "the SMS carries no code"
    outbox.close()
    return match.group(1)


def sms_to(open_page, mobile: str) -> int:  # type: ignore[no-untyped-def]
    outbox = open_page("en-US")
    outbox.goto("/dev/sms")
    count = outbox.locator("#sms tbody tr", has_text=mobile).count()
    outbox.close()
    return count


def five_minutes_pass(server: str, civil: str) -> None:
    """The person's codes run out (and the last was sent long enough ago for a new one)."""
    code = (
        "import datetime as dt; from django.utils import timezone as tz; "
        "from sahl.identity.models import IdentityProof as P; "
        f"P.objects.filter(civil_id='{civil}').update(expires_at=tz.now(), sent_at=tz.now() - dt.timedelta(minutes=6))"
    )
    manage = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code]
    subprocess.run(manage, env=SERVED[server], cwd=ROOT, check=True, capture_output=True)


def card(page, civil: str, serial: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("input[name=civil_id]").fill(civil)
    page.locator("input[name=serial]").fill(serial)
    page.locator("main form button[type=submit]").click()


def test_a_newcomer_joins_with_her_civil_id_card_and_logs_in(page, open_page, server):
    newcomer = civil_id("newcomer")
    serial, mobile = card_of(newcomer, adult=True)
    daughter = civil_id("daughter")

    # From the login page, Munira finds how to join
    page.goto("/accounts/login/")
    page.locator("main a[href='/accounts/join/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/join/$"))
    expect(page.locator("h1")).to_have_text("التسجيل في سهل")
    assert serious(page) == []

    # A wrong serial, and a civil ID that is in no register, get the same answer; no SMS goes
    card(page, newcomer, "123456789")
    expect(page.locator("[role=alert]")).to_contain_text(NOT_MATCHED)
    card(page, "279040477779", "123456789")
    expect(page.locator("[role=alert]")).to_contain_text(NOT_MATCHED)
    assert sms_to(open_page, mobile) == 0

    # A minor who holds her card is told that her guardians act for her
    card(page, daughter, card_of(daughter, adult=False)[0])
    expect(page.locator("[role=alert]")).to_contain_text("دون الثامنة عشرة")

    # The right card: a code goes to the register's number, shown masked
    card(page, newcomer, serial)
    expect(page).to_have_url(re.compile(r"/accounts/join/code/$"))
    expect(page.locator("main")).to_contain_text(mobile[-3:])
    assert mobile not in page.locator("main").inner_text()
    first = code_on_phone(open_page, mobile, 1)

    # A wrong code, then the right one once it has expired, are refused
    page.locator("input[name=code]").fill("000000" if first != "000000" else "111111")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_contain_text("الرمز غير صحيح")
    five_minutes_pass(server, newcomer)
    page.locator("input[name=code]").fill(first)
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_contain_text("انتهت صلاحية")

    # A new code works; she chooses a password and is offered a passkey
    page.locator("button[name=send]").click()
    page.locator("input[name=code]").fill(code_on_phone(open_page, mobile, 2))
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/join/password/$"))
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/join/welcome/$"))
    expect(page.locator("main a[href='/accounts/2fa/webauthn/add/']")).to_be_visible()
    assert serious(page) == []

    # Later she logs in with her civil ID and the password she chose
    page.locator("header form[action='/accounts/logout/'] button").click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(newcomer)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("header")).to_contain_text("منيرة")


@pytest.mark.presentation  # accessibility and layout: the same on every database
def test_recovery_fits_a_phone_and_reads_in_english(phone, server):
    phone.context.add_cookies([{"name": "sahl_language", "value": "en", "url": server}])
    phone.goto("/accounts/login/")
    phone.locator("main a[href='/accounts/recover/']").click()
    expect(phone.locator("h1")).to_have_text("Forgot your password?")
    expect(phone.locator("main")).to_contain_text("You do not need an e-mail address")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious(phone) == []
