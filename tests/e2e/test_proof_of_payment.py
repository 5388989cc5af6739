"""Issue 17, point 10 on a 360 px phone, in Arabic and English: a seller who says the price was paid
by bank transfer reads beforehand that the proof is required for it, is refused without it with
the reason next to the file field, and files once the receipt is attached. Every page is clean for
axe-core and fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import civil_id, log_in, serious

SALE = "moi.vehicle-ownership-transfer"
HINT = {
    "ar": "مطلوب إذا اخترت «تحويل بنكي» أو «شيك مصرفي مصدّق» في «طريقة سداد الثمن».",
    "en": "Required if you choose “Bank transfer” or “Certified bank cheque” for “How the price is paid”.",
}
REFUSED = {
    "ar": "أرفق هذا المستند، فهو مطلوب لأنك اخترت «تحويل بنكي» في «طريقة سداد الثمن».",
    "en": "Attach this document: it is required because you chose “Bank transfer” for “How the price is paid”.",
}
RECEIPT = {"name": "receipt.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father files the sale of his car here: other modules still find it unsold."""
    return own_server


def fits(phone) -> None:  # type: ignore[no-untyped-def]
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert serious(phone) == []


def fill_the_sale(phone) -> None:  # type: ignore[no-untyped-def]
    phone.locator("select[name=plate_number]").select_option("12-10001")
    phone.locator("input[name=buyer_civil_id]").fill(civil_id("expat"))
    phone.locator("select[name=payment_method]").select_option("bank_transfer")
    phone.locator("input[name=sale_price]").fill("4500")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_bank_transfer_without_its_proof_is_refused_next_to_the_file_field(phone, server, language):
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    # Given the father opens the sale of his car: the form says when the proof is required
    log_in(phone, "father", f"/services/{SALE}/apply")
    proof = phone.locator("input[name=proof_of_payment]")
    expect(phone.locator("#w-proof_of_payment")).to_have_text(HINT[language])
    expect(proof).to_have_attribute("aria-describedby", "w-proof_of_payment")
    fits(phone)

    # When he says the price was paid by bank transfer and files without the receipt
    fill_the_sale(phone)
    phone.locator("button[name=submit]").click()

    # Then he is refused, with the reason next to the file field, and his answers are kept
    error = phone.locator("#e-d-proof_of_payment")
    expect(error).to_have_text(REFUSED[language])
    expect(proof).to_have_attribute("aria-invalid", "true")
    expect(proof).to_have_attribute("aria-describedby", "e-d-proof_of_payment w-proof_of_payment")
    expect(phone.locator("select[name=payment_method]")).to_have_value("bank_transfer")
    expect(phone.locator("[role=alert]").first).to_be_visible()
    assert "/applications/" not in phone.url
    fits(phone)


def test_with_the_receipt_attached_the_sale_is_filed(phone, server):
    log_in(phone, "father", f"/services/{SALE}/apply")
    fill_the_sale(phone)
    phone.locator("input[name=proof_of_payment]").set_input_files(files=[RECEIPT])
    phone.locator("button[name=submit]").click()
    phone.wait_for_url("**/applications/*")
    expect(phone.locator("#e-d-proof_of_payment")).to_have_count(0)
    expect(phone.locator("#status")).to_be_visible()
    fits(phone)
