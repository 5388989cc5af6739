"""A person finds a service in Arabic, reads it, switches to English and logs in."""

import re

import pytest
from playwright.sync_api import expect

from sahl.demo.registry import civil_id_for, demo_persons
from tests.conftest import DEMO_PASSWORD
from tests.e2e.helpers import serious


def father_civil_id() -> str:
    from django.utils import timezone

    person = demo_persons(timezone.localdate())[0]
    return civil_id_for(person.birth_date, 1)


def test_search_in_arabic_open_the_service_switch_to_english_and_log_in(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_label("ابحث عن خدمة").fill("تجديد جواز")
    page.get_by_role("button", name="بحث").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("خدمة|خدمات|خدمتين"))  # one, some, two
    page.get_by_role("link", name=re.compile("تجديد جواز السفر")).first.click()
    expect(page).to_have_url(re.compile(r"/services/moi\.passport-renewal$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("جواز")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page).to_have_url(re.compile(r"/services/moi\.passport-renewal$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Passport")

    page.get_by_role("link", name="Log in to apply").click()
    page.get_by_label("Civil ID").fill(father_civil_id())
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/services/moi\.passport-renewal$"))
    expect(page.get_by_text("Ahmad Khalid Al-Mutairi")).to_be_visible()
    expect(page.locator(".apply")).to_contain_text("You meet the conditions")


def test_a_malformed_civil_id_is_explained_in_arabic(page):
    page.goto("/accounts/login/")
    page.get_by_label("الرقم المدني").fill("123")
    page.get_by_label("كلمة المرور").fill("whatever-password")
    page.get_by_role("button", name="تسجيل الدخول", exact=True).click()
    expect(page.locator(".error")).to_contain_text("الرقم المدني يتكون من 12 رقماً")


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/services/moi.vehicle-registration-renewal",
        "/accounts/login/",
        "/search?q=passport",
        "/agencies",
    ],
)
def test_pages_have_no_serious_accessibility_problems(page, server, language, path):
    page.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert serious(page) == []


@pytest.mark.parametrize("path", ["/", "/services/moi.vehicle-ownership-transfer", "/accounts/login/"])
def test_pages_fit_a_360_pixel_phone(phone, path):
    phone.goto(path)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert serious(phone) == []


def test_no_page_asks_another_host_for_anything(page, server):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in ("/", "/services/moi.passport-renewal", "/accounts/login/", "/api/v1/docs"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert hosts == {server.split("/")[2]}
