"""Agency staff appointed by the agencies themselves (issue 22), in Arabic on a 360-pixel phone: an
operator appoints an agency administrator; the administrator appoints a caseworker, who decides a
case; the administrator removes the caseworker, whose next request is refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, civil_id, log_in, open_until, operator_logs_in, serious

COMPLETED = "منجزة"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "locale": "ar-KW"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """Staff change here (a new administrator and caseworker): other modules keep the demo's."""
    return own_server


def fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_operator_appoints_an_administrator_who_appoints_and_removes_a_caseworker(phone, browser, server):
    # Given a mother's traffic accident certificate waiting in the Ministry of Interior's queue
    mother = HttpClient(server).log_in("mother")
    reference = mother.apply(
        "moi.traffic-accident-certificate",
        {
            "accident_date": "2026-01-15",
            "governorate": "KW-HA",
            "report_number": "HA-2026-0077",
            "plate_number": "3-77120",
            "purpose": "insurance",
        },
    )
    mother.pay(reference)

    # When the operator appoints Bader an administrator of the Ministry of Interior
    operator_logs_in(phone)
    phone.goto("/operators/staff")
    fits_the_phone(phone)
    phone.locator("select[name=agency]").select_option("moi")
    phone.locator("input[name=civil_id]").fill(civil_id("groom"))
    phone.get_by_role("button", name="تعيين").click()
    expect(phone.locator(".flash")).to_contain_text("بدر سالم الرشيدي")
    expect(phone.locator("#admins")).to_contain_text("بدر سالم الرشيدي")

    # Then Bader, on his own phone, appoints Dana a caseworker
    admin = browser.new_context(base_url=server, **PHONE).new_page()
    log_in(admin, "groom", "/backoffice/staff")
    fits_the_phone(admin)
    admin.locator("input[name=civil_id]").fill(civil_id("bride"))
    admin.locator("select[name=role]").select_option("caseworker")
    admin.get_by_role("button", name="تعيين").click()
    expect(admin.locator("#team")).to_contain_text("دانة فهد الشمري")
    fits_the_phone(admin)

    # And Dana, told in her inbox, takes the mother's case and approves it
    caseworker = browser.new_context(base_url=server, **PHONE).new_page()
    log_in(caseworker, "bride", "/inbox")
    open_until(caseworker, "/inbox", "أُسند إليك دور «موظف معاملات» في وزارة الداخلية")
    caseworker.goto("/backoffice/")
    caseworker.get_by_role("link", name=reference, exact=True).click()
    caseworker.locator("form[action$='/take'] button").click()
    caseworker.locator("form[action$='/approve'] button").click()
    expect(caseworker.locator("#status")).to_have_text(COMPLETED)

    # And Bader's team page shows each caseworker's load (Dana's decided case is no longer open)
    admin.goto("/backoffice/team")
    expect(admin.locator("#loads")).to_contain_text("دانة فهد الشمري")
    fits_the_phone(admin)

    # When Bader removes Dana, after a confirmation
    admin.goto("/backoffice/staff")
    admin.locator("#team tr", has_text="دانة فهد الشمري").get_by_role(
        "link", name=re.compile("إزالة")
    ).click()
    expect(admin.locator("#member")).to_contain_text("دانة فهد الشمري")
    fits_the_phone(admin)
    admin.get_by_role("button", name="تأكيد الإزالة").click()
    expect(admin.locator("#team")).not_to_contain_text("دانة فهد الشمري")

    # Then Dana's very next request to the back office is refused
    answer = caseworker.goto("/backoffice/")
    assert answer is not None and answer.status == 404
    answer = caseworker.goto(f"/backoffice/cases/{reference}")
    assert answer is not None and answer.status == 404
    admin.context.close()
    caseworker.context.close()
