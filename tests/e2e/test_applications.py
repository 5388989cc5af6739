"""People apply, follow and receive; a caseworker decides. In Arabic, in a real browser.

The tests of this module share one server and database (see `server` below), so each story uses
people and records no other story changes, and none depends on another having run: the expat's
car renewal (45-20002), the father's passport, the father's car (12-10001) sold to the expat, and
the mother's applications for the accessibility checks.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DECLINED_CARD,
    DOCUMENT_READY_MS,
    HttpClient,
    civil_id,
    log_in,
    pay_on_gateway,
    pdf_text,
    serious,
    tiny_png,
)

APPLICATION_URL = re.compile(r"/applications/\d{4}-\d{7}$")
COMPLETED = "منجزة"
AWAITING_PAYMENT = "بانتظار الدفع"
IN_REVIEW = "قيد المراجعة"
RECEIVED = "مستلمة"
ACTION_NEEDED = "مطلوب إجراء منك"


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """These stories renew the father's passport and sell his car: other modules' tests must still
    find him as the demo data describes him, so this module has a server of its own."""
    return own_server


def reference_of(page) -> str:
    return page.url.rsplit("/", 1)[-1]


def submit(page) -> None:
    page.locator("button[name=submit]").click()
    expect(page).to_have_url(APPLICATION_URL)


def open_case(staff, reference: str) -> None:
    """From the agency's queue to the case, as a caseworker does."""
    staff.goto("/backoffice/")
    staff.get_by_role("link", name=reference, exact=True).click()
    expect(staff).to_have_url(re.compile(rf"/backoffice/cases/{reference}$"))
    expect(staff.get_by_role("heading", level=1)).to_contain_text(reference)


def case_action(staff, action: str):  # type: ignore[no-untyped-def]
    return staff.locator(f"form[action$='/{action}']")


def test_the_expat_renews_his_car_at_once_and_downloads_the_registration(page):
    # Given the expat, whose car registration expires in a week, logged in
    log_in(page, "expat", "/services/moi.vehicle-registration-renewal")
    expect(page.locator(".apply [role=status]")).to_have_text("تنطبق عليك شروط هذه الخدمة.")

    # When he starts the application, chooses his car and submits
    page.locator(".apply a[href='/services/moi.vehicle-registration-renewal/apply']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("تجديد ترخيص المركبة")
    page.locator("select[name=plate_number]").select_option("45-20002")
    submit(page)

    # Then the fee is due; he pays it on the payment gateway's page and comes back
    expect(page.locator("#status")).to_have_text(AWAITING_PAYMENT)
    expect(page.locator("#fee-title")).to_contain_text("10.000 د.ك")
    pay_on_gateway(page)

    # And it is completed at once, paid, with a receipt and the new registration bearing his Arabic name
    expect(page.locator(".flash")).to_contain_text("تم استلام الدفعة")
    expect(page.locator("#status")).to_have_text(COMPLETED)
    expect(page.locator("#payment-1")).to_have_text("مدفوعة")
    with page.expect_download() as receipt_info:
        page.locator("a[href*='/receipts/']").click()
    assert receipt_info.value.path().read_bytes().startswith(b"%PDF")
    link = page.locator("#documents-list a[href*='/documents/']")
    expect(link).to_have_count(1, timeout=DOCUMENT_READY_MS)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "راجيش كومار" in text
    assert "45-20002" in text

    # And the history tells what happened: the document was issued and the register updated
    history = page.locator("#history-title + ol")
    for event in ("قُدّم الطلب", "صدر المستند", "حُدّث السجل", "أُنجزت المعاملة"):
        expect(history).to_contain_text(event)


def test_a_caseworker_asks_for_a_photo_then_renews_the_fathers_passport(page, open_page, tmp_path):
    # Given the father, whose passport expires in 60 days, files a renewal to be delivered
    log_in(page, "father", "/services/moi.passport-renewal/apply")
    page.locator("select[name=passport_number]").select_option(f"K{civil_id('father')[-8:]}")
    page.locator("select[name=delivery]").select_option("courier")
    submit(page)
    pay_on_gateway(page)
    expect(page.locator("#status")).to_contain_text(IN_REVIEW)
    reference = reference_of(page)

    # When the caseworker at the Ministry of Interior takes it and asks for a photo
    staff = open_page()
    log_in(staff, "caseworker", "/backoffice/")
    open_case(staff, reference)
    case_action(staff, "take").get_by_role("button").click()
    expect(staff.locator("dl.facts")).to_contain_text("يوسف علي الكندري")
    request = case_action(staff, "request-information")
    request.locator("textarea[name=message]").fill("أرفق صورة شخصية حديثة بخلفية بيضاء من فضلك.")
    request.locator("select[name=document_code]").select_option("personal_photo")
    request.get_by_role("button").click()
    expect(staff.locator("#status")).to_have_text(ACTION_NEEDED)

    # Then the father reads the request and sends the photo
    page.reload()
    expect(page.locator("#status")).to_have_text(ACTION_NEEDED)
    expect(page.locator(".message")).to_have_text("أرفق صورة شخصية حديثة بخلفية بيضاء من فضلك.")
    photo = tmp_path / "photo.png"
    photo.write_bytes(tiny_png())
    respond = page.locator("form[action$='/respond']")
    respond.locator("input[name=document]").set_input_files(photo)
    respond.locator("textarea[name=answer]").fill("هذه صورتي.")
    respond.locator("button[type=submit]").click()
    expect(page.locator("#status")).to_contain_text(IN_REVIEW)
    expect(page.locator("form[action$='/respond']")).to_have_count(0)

    # And the caseworker sees the photo and the answer, and approves
    staff.reload()
    expect(staff.locator("#status")).to_contain_text(IN_REVIEW)
    # The file is named by the document the service asks for, in the page's language
    expect(staff.get_by_role("link", name="صورة شخصية حديثة بخلفية بيضاء (PNG)")).to_be_visible()
    expect(staff.locator("#req-title + ul")).to_contain_text("هذه صورتي.")
    case_action(staff, "approve").get_by_role("button").click()
    expect(staff.locator("#status")).to_have_text(COMPLETED)

    # So the father sees the decision, the completed status and his new passport's document
    page.reload()
    expect(page.locator("#status")).to_have_text(COMPLETED)
    expect(page.locator("#decision-title + p.ok")).to_be_visible()
    expect(page.locator("#documents-list a[href*='/documents/']")).to_have_count(1, timeout=DOCUMENT_READY_MS)

    # And his passport, valid for five more years, can no longer be renewed
    page.goto("/services/moi.passport-renewal")
    # (with the new expiry date and the first day a renewal can be filed: issue 17, point 6)
    refusal = page.locator(".apply [role=status]")
    expect(refusal).to_contain_text("لا يمكنك التقديم بعد")
    expect(refusal).to_contain_text("ويمكنك التجديد")


def test_the_father_sells_his_car_to_the_expat_who_agrees_before_the_ministry_approves(page, open_page):
    # Given the father files the transfer of his car to the expat, paid by bank transfer
    log_in(page, "father", "/services/moi.vehicle-ownership-transfer/apply")
    page.locator("select[name=plate_number]").select_option("12-10001")
    page.locator("input[name=buyer_civil_id]").fill(civil_id("expat"))
    page.locator("select[name=payment_method]").select_option("bank_transfer")
    page.locator("input[name=sale_price]").fill("4500")
    page.locator("input[name=proof_of_payment]").set_input_files(
        files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}]
    )
    submit(page)
    reference = reference_of(page)

    # Then it waits for the buyer: nothing goes to the ministry before he agrees
    expect(page.locator("#status")).to_have_text(RECEIVED)
    buyer_party = page.locator("#people li").filter(has_text="راجيش كومار")  # by name, not civil ID
    expect(buyer_party).to_contain_text("بانتظار الموافقة")

    # When the expat finds it among his applications and agrees
    buyer = open_page()
    log_in(buyer, "expat", "/applications")
    buyer.get_by_role("link", name=reference, exact=True).click()
    expect(buyer.locator("#consent-title")).to_be_visible()
    buyer.locator("button[name=agree][value=yes]").click()
    expect(buyer.locator("#status")).to_have_text(AWAITING_PAYMENT)
    expect(buyer.locator("#consent-title")).to_have_count(0)
    expect(buyer.locator("form[action$='/pay']")).to_have_count(0)  # the seller pays, not the buyer

    # And the seller pays the transfer fee
    page.reload()
    pay_on_gateway(page)
    expect(page.locator("#status")).to_contain_text(IN_REVIEW)

    # And the caseworker takes the case and approves it
    staff = open_page()
    log_in(staff, "caseworker", "/backoffice/")
    open_case(staff, reference)
    expect(staff.locator("#parties-title + ul")).to_contain_text(civil_id("expat"))
    case_action(staff, "take").get_by_role("button").click()
    case_action(staff, "approve").get_by_role("button").click()
    expect(staff.locator("#status")).to_have_text(COMPLETED)

    # Then the seller sees it completed, and he has no car left to transfer
    page.reload()
    expect(page.locator("#status")).to_have_text(COMPLETED)
    page.goto("/services/moi.vehicle-ownership-transfer")
    expect(page.locator(".apply [role=status]")).to_contain_text("لا توجد مركبة مسجلة باسمك.")

    # And the buyer now has the car among his vehicles
    buyer.goto("/services/moi.vehicle-registration-renewal/apply")
    expect(buyer.locator("select[name=plate_number] option[value='12-10001']")).to_have_count(1)


# --- Accessibility of the application and back-office pages -----------------------------------


@pytest.fixture(scope="module")
def scene(server) -> dict[str, object]:
    """Over plain HTTP: the mother has one application in review (taken by the caseworker) and
    one where the ministry waits for her answer."""
    mother = HttpClient(server).log_in("mother")
    caseworker = HttpClient(server).log_in("caseworker")
    answers = {
        "accident_date": "2026-01-15",
        "governorate": "KW-HA",
        "report_number": "HA-2026-0042",
        "plate_number": "3-77120",
        "purpose": "insurance",
    }
    in_review = mother.apply("moi.traffic-accident-certificate", answers)
    waiting = mother.apply("moi.traffic-accident-certificate", answers)
    for reference in (in_review, waiting):
        mother.pay(reference)
        assert caseworker.post(f"/backoffice/cases/{reference}/take", {}).status == 302
    asked = caseworker.post(
        f"/backoffice/cases/{waiting}/request-information",
        {"message": "أرفق تقرير الحادث.", "document_code": ""},
    )
    assert asked.status == 302
    return {"mother": mother, "caseworker": caseworker, "in_review": in_review, "waiting": waiting}


def browse_as(page, server: str, client: HttpClient, language: str) -> None:
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    page.context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])


PAGES = {
    "apply": ("mother", "/services/moi.traffic-accident-certificate/apply"),
    "my applications": ("mother", "/applications"),
    "application in review": ("mother", "/applications/{in_review}"),
    "application waiting for an answer": ("mother", "/applications/{waiting}"),
    "queue": ("caseworker", "/backoffice/"),
    "case with its actions": ("caseworker", "/backoffice/cases/{in_review}"),
    "case waiting for the applicant": ("caseworker", "/backoffice/cases/{waiting}"),
}


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_application_pages_have_no_serious_accessibility_problems(page, server, scene, language, name):
    who, path = PAGES[name]
    browse_as(page, server, scene[who], language)
    answer = page.goto(path.format(**scene))
    assert answer is not None and answer.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert serious(page) == []


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_form_with_mistakes_has_no_serious_accessibility_problems(page, server, scene, language):
    browse_as(page, server, scene["mother"], language)
    page.goto("/services/moi.traffic-accident-certificate/apply")
    page.locator("button[name=submit]").click()
    expect(page.locator(".errors[role=alert]")).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(4)
    assert serious(page) == []


def test_a_declined_card_charges_nothing_and_the_fee_stays_due(page):
    # Given the mother files a paid certificate
    log_in(page, "mother", "/services/moi.traffic-accident-certificate/apply")
    page.locator("input[name=accident_date]").fill("2026-02-01")
    page.locator("select[name=governorate]").select_option("KW-HA")
    page.locator("input[name=report_number]").fill("HA-2026-0099")
    page.locator("input[name=plate_number]").fill("3-77121")
    page.locator("select[name=purpose]").select_option("insurance")
    submit(page)
    expect(page.locator("#status")).to_have_text(AWAITING_PAYMENT)

    # When the bank declines her card
    pay_on_gateway(page, DECLINED_CARD)

    # Then she is told, nothing is paid, and she can try again
    expect(page.locator(".flash")).to_contain_text("رفض البنك البطاقة")
    expect(page.locator("#status")).to_have_text(AWAITING_PAYMENT)
    expect(page.locator("#payment-1")).to_have_text("رفض البنك البطاقة")
    expect(page.locator("form[action$='/pay'] button")).to_be_visible()
