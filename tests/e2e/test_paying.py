"""A person pays a fee on the gateway's page and hears about it in the inbox and by e-mail."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, open_until, pay_on_gateway

COMPLETED = "منجزة"


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The expat renews his car here: the shared server keeps him as the demo data describes him."""
    return own_server


def test_the_expat_pays_gets_a_receipt_and_hears_about_it_in_the_inbox_and_by_email(page, mailbox):
    # Given the expat asks to hear by e-mail too, and to read Sahl in Arabic (pages and messages)
    log_in(page, "expat", "/account/notifications")
    page.locator("input[name=email]").fill("rajesh@example.com")
    page.locator("input[name=notify_by_email]").check()
    page.locator("select[name=language]").select_option("ar")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".flash, [role=status]").first).to_be_visible()

    # When he renews his car registration and pays the fee on the gateway's page
    page.goto("/services/moi.vehicle-registration-renewal/apply")
    page.locator("select[name=plate_number]").select_option("45-20002")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    reference = page.url.rsplit("/", 1)[-1]
    pay_on_gateway(page)

    # Then he sees it paid and completed, with a receipt
    expect(page.locator("#status")).to_have_text(COMPLETED)
    expect(page.locator("#payment-1")).to_have_text("مدفوعة")
    expect(page.locator("a[href*='/receipts/']")).to_have_count(1)

    # And his inbox tells him, in Arabic
    open_until(page, "/inbox", f"أُنجزت معاملتك رقم {reference}")

    # And an e-mail in Arabic reached the mail server
    mail = mailbox.wait_for("rajesh@example.com")
    assert reference in str(mail["Subject"])
    assert "معاملتك" in mail.get_body(preferencelist=("plain",)).get_content() or "معاملتك" in str(
        mail["Subject"]
    )
