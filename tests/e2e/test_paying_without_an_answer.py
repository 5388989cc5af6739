"""Issue 17, point 4: on a 360 px phone, in Arabic then English, the bank does not answer; the person
comes back, reads what happened and what to do, and pays again at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, pay_on_gateway, serious

# CI: both databases; a payment with no answer: the inquiry races the person's return (tests/ci_sides.py).
pytestmark = pytest.mark.every_database

NO_ANSWER = "4000000000000119"  # the simulated bank does not answer this card
TOLD = {
    "ar": "لم يُكمل البنك دفعتك الأخيرة، وأكّدت بوابة الدفع أنه لم يُخصم منك أي مبلغ. يمكنك الدفع مرة أخرى الآن.",
    "en": "The bank did not complete your last payment, and the payment gateway confirmed that you were not "
    "charged. You can pay again now.",
}
PAID = {"ar": "مدفوعة", "en": "Paid"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The expat renews his car here: other modules keep it as the demo data describes it."""
    return own_server


def test_no_answer_from_the_bank_is_told_and_the_person_pays_again(phone, server):
    phone.context.add_cookies([{"name": "sahl_language", "value": "ar", "url": server}])
    log_in(phone, "expat", "/services/moi.vehicle-registration-renewal/apply")
    phone.locator("select[name=plate_number]").select_option("45-20002")
    phone.locator("button[name=submit]").click()
    phone.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    application = phone.url

    for attempt, language in enumerate(("ar", "en"), start=1):
        phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        phone.goto(application)
        expect(phone.locator("html")).to_have_attribute("lang", language)
        # The bank does not answer; he comes back from the gateway's page to the application
        pay_on_gateway(phone, NO_ANSWER)
        # He reads what happened and what to do, in his language, and no attempt is left open
        expect(phone.locator("#payment-notice")).to_have_text(TOLD[language])
        expect(phone.locator("#payment-notice")).to_be_visible()
        expect(phone.locator(f"#payment-{attempt}")).not_to_have_text(PAID[language])
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert serious(phone) == [], language

    # He pays again at once (a new attempt: the gateway's page takes the card) and it goes through
    pay_on_gateway(phone)
    expect(phone.locator("#payment-3")).to_have_text(PAID["en"])
    expect(phone.locator("#payment-notice")).to_have_count(0)
    expect(phone.locator("form[action$='/pay']")).to_have_count(0)
    assert serious(phone) == []
