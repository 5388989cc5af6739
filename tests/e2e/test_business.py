"""Issue 20's story in a real browser, in Arabic on a 360-pixel phone: Noura opens her company and
sees three work permits expiring, renews them in one action and pays once, pays the overdue
statement, makes Bader the company's representative for labour services, who renews a permit
but can neither pay nor renew the licence, and ends that role: the representative's very next
request is refused. Every page fits the screen and axe-core finds nothing serious."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import civil_id, serious

COMPANY = "CR-100001"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def clean(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px on a 360 px phone"
    assert serious(page) == [], page.url


def phone_in(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    context.add_cookies([{"name": "sahl_language", "value": "ar", "url": server}])
    return context.new_page()


def totp_now(key: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from sahl.demo.management.commands.seed_demo import TWO_FACTOR

    return format_hotp_value(hotp_value(TWO_FACTOR[key], int(time.time()) // 30))


def log_in(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """The login form, then the authenticator app's code when the person has one."""
    page.goto("/accounts/login/?next=/business")
    page.locator("input[name=login]").fill(civil_id(key))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    if "/2fa/authenticate" in page.url:
        page.locator("input[name=code]").fill(totp_now(key))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/business$"))
    page.context.add_cookies([{"name": "sahl_language", "value": "ar", "url": page.url}])
    page.goto("/business")


def pay_on_gateway(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_url(re.compile(r"/sim/knet/pay/"))
    page.locator("input[name=card_number]").fill("4242424242424242")
    page.locator("input[name=expiry]").fill("12/29")
    page.locator("input[name=pin]").fill("1234")
    page.locator("button[name=pay]").click()
    page.wait_for_url(re.compile(rf"/business/{COMPANY}/"))


def renewal_finished(page) -> None:  # type: ignore[no-untyped-def]
    """The progress view polls until every worker has an outcome (the background worker files)."""
    expect(page.locator("#renewal-items [role=status]")).to_contain_text("قُدّمت جميع الطلبات", timeout=60_000)


def test_noura_runs_her_company_from_her_phone(browser, server):
    noura = phone_in(browser, server)
    log_in(noura, "owner")
    clean(noura)
    noura.locator(f"a[href='/business/{COMPANY}']").first.click()
    needs = noura.locator("#needs-action")
    expect(needs).to_contain_text("3 أذونات عمل تنتهي خلال 30 يوماً")
    clean(noura)

    # 1-2. The three permits ending soon, renewed in one action and paid once.
    noura.goto(f"/business/{COMPANY}/workers?expiring=1")
    boxes = noura.locator("input[name=worker]")
    expect(boxes).to_have_count(3)
    clean(noura)
    for i in range(3):
        boxes.nth(i).check()
    noura.locator("main form[method=post] button[type=submit]").click()
    noura.wait_for_url(re.compile(r"/renewals/BR-"))
    renewal_finished(noura)
    clean(noura)
    expect(noura.locator("#renewal-items li")).to_have_count(3)
    noura.locator("#renewal-items form button").click()
    pay_on_gateway(noura)
    expect(noura.locator("#renewal-items")).not_to_contain_text("بانتظار الرسوم", timeout=30_000)

    # 3. The overdue statement, paid.
    noura.goto(f"/business/{COMPANY}/statements")
    clean(noura)
    overdue = noura.locator("input[name=statement]:checked")
    expect(overdue).to_have_count(1)
    noura.locator("main form button[type=submit]").click()
    pay_on_gateway(noura)
    deadline = time.monotonic() + 60
    while "متأخر" in noura.locator("main table").inner_text() and time.monotonic() < deadline:
        noura.wait_for_timeout(500)
        noura.reload()
    expect(noura.locator("main table")).not_to_contain_text("متأخر")

    # 4. A representative for labour services.
    noura.goto(f"/business/{COMPANY}/representatives")
    clean(noura)
    noura.locator("#civil_id").fill(civil_id("groom"))
    noura.locator("input[name=scope][value=labour]").check()
    noura.locator("main form button[type=submit]").last.click()
    expect(noura.locator(".flash")).to_be_visible()

    bader = phone_in(browser, server)
    log_in(bader, "groom")
    expect(bader.locator("#invitations")).to_be_visible()
    clean(bader)
    bader.locator("#invitations form").first.locator("button").click()
    bader.goto(f"/business/{COMPANY}/workers")
    bader.locator("input[name=worker]").first.check()
    bader.locator("main form[method=post] button[type=submit]").click()
    bader.wait_for_url(re.compile(r"/renewals/BR-"))
    renewal_finished(bader)
    expect(bader.locator("#renewal-items")).to_contain_text("بانتظار الرسوم")
    expect(bader.locator("#renewal-items form")).to_have_count(0)  # no payment for this role
    clean(bader)
    bader.goto(f"/business/{COMPANY}/statements")
    expect(bader.locator("main form[method=post]")).to_have_count(0)
    # Acting for the company, the licence's renewal is outside the role.
    bader.goto(f"/business/{COMPANY}")
    bader.locator("main form[action='/acting-as'] button").click()
    bader.goto("/services/moci.commercial-licence-renewal/apply")
    expect(bader.locator("main")).to_contain_text("ضمن دورك")
    clean(bader)

    # 5. Noura ends the role: his very next request is refused.
    noura.goto(f"/business/{COMPANY}/representatives")
    noura.locator("form[action*='/revoke'] button").first.click()
    expect(noura.locator(".flash")).to_be_visible()
    answer = bader.goto("/applications")
    assert answer is not None and answer.status == 403
    answer = bader.goto(f"/business/{COMPANY}")
    assert answer is not None and answer.status == 404
