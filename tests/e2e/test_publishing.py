"""Publishing a service through review (issue 22 part 2), in real browsers: the Ministry of
Interior's administrator changes a service's fee and eligibility on a phone in Arabic, sees its
problems as she types, previews it and submits it; the operator reviews the change in English and
publishes it; a person then sees the new fee while the application filed before keeps the old one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, log_in, operator_logs_in, serious

CODE = "moi.vehicle-registration-renewal"
NEW_RULE = """  - rule: applicant.age >= 18
    reason: {ar: يجب أن يكون عمرك 18 سنة على الأقل., en: You must be at least 18 years old.}
"""


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The catalogue changes here: other modules read the demo's catalogue as it is."""
    return own_server


def operator_logs_in_english(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale="en-GB")
    page = context.new_page()
    operator_logs_in(page)
    context.add_cookies([{"name": "sahl_language", "value": "en", "url": server}])
    return context, page


def test_an_administrator_changes_a_fee_an_operator_publishes_it_and_old_applications_keep_theirs(
    browser, server, phone
):
    # Given the expat filed a renewal under the published version (fee 10.000, not yet paid)
    expat = HttpClient(server).log_in("expat")
    before = expat.apply(CODE, {"plate_number": "45-20002"})

    # When the ministry's administrator opens the service's definition on her phone, in Arabic
    phone.context.add_cookies([{"name": "sahl_language", "value": "ar", "url": server}])
    log_in(phone, "moi-admin", "/backoffice/services/")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    phone.locator(f"#agency-services a[href='/backoffice/services/{CODE}']").click()
    box = phone.locator("#definition")
    published = box.input_value()
    assert 'fee: {amount: "10.000", currency: KWD}' in published
    assert serious(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # ...types a rule comparing a number with text: the problem appears as she types, in Arabic
    changed = published.replace('amount: "10.000"', 'amount: "12.500"')
    changed = changed.replace("eligibility:\n", "eligibility:\n" + NEW_RULE, 1)
    box.fill(changed.replace("applicant.age >= 18", 'applicant.age >= "18"'))
    expect(phone.locator("#problems-list li")).to_have_count(1)
    expect(phone.locator("#problems-list li")).to_contain_text(f"{CODE}: eligibility[0].rule")
    assert "overload" not in phone.locator("#problems-list").inner_text()
    # ...corrects it, and the list empties
    box.fill(changed)
    expect(phone.locator("#problems-none")).to_be_visible()
    expect(phone.locator("#problems-list li")).to_have_count(0)

    # ...previews it: the service page and its form as a person would see them, marked as a preview
    phone.locator("button[value=preview]").click()
    expect(phone.locator("#preview-banner")).to_be_visible()
    expect(phone.locator(".facts")).to_contain_text("12.500")
    expect(phone.locator("#conditions")).to_be_visible()
    expect(phone.locator("section[aria-labelledby=conditions]")).to_contain_text("18 سنة على الأقل")
    expect(phone.locator("select[name=plate_number]")).to_be_disabled()
    assert serious(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # ...and submits it from the preview
    phone.locator("#preview-banner button[value=submit]").click()
    expect(phone.locator("#draft-state")).to_be_visible()
    expect(phone.locator("#definition")).to_have_attribute("readonly", "")

    # Then the operator finds it in the publishing queue, in English, with the change shown
    context, operator = operator_logs_in_english(browser, server)
    operator.goto("/operators/publishing")
    expect(operator.locator("html")).to_have_attribute("lang", "en")
    operator.locator("#publishing-queue a", has_text="Vehicle registration renewal").click()
    expect(operator.locator("#diff del")).to_contain_text('amount: "10.000"')
    expect(operator.locator("#diff ins", has_text="applicant.age >= 18")).to_have_count(1)
    expect(operator.locator("#diff ins", has_text='amount: "12.500"')).to_have_count(1)
    assert serious(operator) == []
    operator.locator("button[value=publish]").click()
    expect(operator.locator(".flash")).to_contain_text("version 2")
    expect(operator.locator("#publishing-empty")).to_be_visible()
    context.close()

    # And a person sees the new version: the new fee and the new condition
    person = browser.new_context(base_url=server, locale="en-GB")
    page = person.new_page()
    log_in(page, "expat", f"/services/{CODE}")
    expect(page.locator(".facts")).to_contain_text("12.500")
    expect(page.locator("section[aria-labelledby=conditions]")).to_contain_text("at least 18 years old")
    # ...while the application filed before keeps the version it was filed under, and its fee
    page.goto(f"/applications/{before}")
    expect(page.locator("#fee-title")).to_contain_text("10.000")
    person.close()
