"""Issue 17, point 8: a service with two parties (the sale of a car), seen by each from their own
point of view. The seller files and pays; the buyer agrees. Each reads the other by name (never by
civil ID), who must act and what comes next, and "Your answers" holds only their own answers."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sahl.backoffice import services as backoffice
from sahl.identity.models import User
from sahl.registry.models import Vehicle
from tests.integration.conftest import apply, pay, reference_of

pytestmark = pytest.mark.django_db

SALE = "moi.vehicle-ownership-transfer"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NAMES = {
    "father": {"ar": "أحمد خالد المطيري", "en": "Ahmad Khalid Al-Mutairi"},
    "expat": {"ar": "راجيش كومار", "en": "Rajesh Kumar"},
}
ISOLATES = re.compile("[\u2066-\u2069\u200e\u200f]")


def section(html: str, element_id: str) -> str:
    """The text of the element with this id (up to its closing tag of the same name), tags removed."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return ISOLATES.sub("", " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split()))


def heading_section(html: str, heading_id: str) -> str:
    """The text of the <section> labelled by this heading."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section labelled by #{heading_id}"
    return ISOLATES.sub("", " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()))


@pytest.fixture
def sale(login, demo):
    """The father offers his car to the expatriate; both are logged in, in Arabic and English."""
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    father = login(demo["father"], "en")
    answers = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    reference = reference_of(apply(father, SALE, answers, {"proof_of_payment": proof}))
    return {
        "reference": reference,
        "plate": plate,
        "seller": {"en": father, "ar": login(demo["father"], "ar")},
        "buyer": {"en": login(demo["expat"], "en"), "ar": login(demo["expat"], "ar")},
    }


def page(sale, who: str, language: str) -> str:
    response = sale[who][language].get(f"/applications/{sale['reference']}")
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_buyer_agrees_each_reads_whose_turn_it_is(sale, demo):
    seller = page(sale, "seller", "en")
    assert section(seller, "who-acts") == f"{NAMES['expat']['en']} (Buyer)"
    assert (
        section(seller, "turn-now")
        == f"Waiting for {NAMES['expat']['en']} (Buyer) to agree. You have nothing to do now."
    )
    assert (
        section(seller, "turn-then")
        == "Next: you pay the fee, then Ministry of Interior reviews the application."
    )
    # The seller reads the buyer by name on the people list, and never the buyer's civil ID there.
    assert section(seller, "people") == f"Seller: You Buyer: {NAMES['expat']['en']} — Waiting for consent"
    assert demo["expat"] not in section(seller, "people")

    buyer = page(sale, "buyer", "en")
    assert section(buyer, "who-acts") == "You"
    assert section(buyer, "turn-now").startswith("It is your turn: agree or decline below.")
    assert section(buyer, "turn-then") == (
        f"Next: {NAMES['father']['en']} (Seller) pays the fee, then Ministry of Interior reviews the application."
    )
    assert (
        f"{NAMES['father']['en']} (Seller) filed this application and names you in it as: Buyer."
        in unescape(buyer)
    )
    assert section(buyer, "people") == f"Seller: {NAMES['father']['en']} Buyer: You — Waiting for consent"
    assert demo["father"] not in buyer  # the seller's civil ID is nowhere on the buyer's page

    arabic = page(sale, "buyer", "ar")
    assert section(arabic, "who-acts") == "أنت"
    assert section(arabic, "people") == f"البائع: {NAMES['father']['ar']} المشتري: أنت — بانتظار الموافقة"
    assert NAMES["father"]["ar"] in section(arabic, "turn-then")


def test_your_answers_are_only_your_own(sale):
    seller = page(sale, "seller", "en")
    mine = heading_section(seller, "answers-title")
    assert "How the price is paid" in mine and "Bank transfer" in mine
    assert "Your agreement" not in mine

    buyer = page(sale, "buyer", "en")
    own = heading_section(buyer, "answers-title")
    assert own == "Your answers Your agreement Waiting for consent"  # nothing the seller answered
    filed = heading_section(buyer, "filed-title")
    assert filed.startswith(f"The application as {NAMES['father']['en']} (Seller) filed it")
    assert "How the price is paid" in filed and sale["plate"] in filed

    arabic = page(sale, "buyer", "ar")
    assert heading_section(arabic, "answers-title") == "إجاباتك موافقتك بانتظار الموافقة"


def test_after_the_buyer_agrees_the_seller_pays_and_the_buyer_is_not_asked_to(sale, demo):
    agreed = sale["buyer"]["en"].post(f"/applications/{sale['reference']}/consent", {"agree": "yes"})
    assert agreed.status_code == 302

    buyer = page(sale, "buyer", "en")
    assert section(buyer, "status") == "Awaiting payment"
    assert section(buyer, "who-acts") == f"{NAMES['father']['en']} (Seller)"
    assert (
        section(buyer, "turn-now")
        == f"{NAMES['father']['en']} (Seller) pays the fee. You have nothing to do now."
    )
    assert "paused while we wait for you" not in buyer
    assert f"paused while we wait for {NAMES['father']['en']} (Seller)" in unescape(buyer)
    assert "Pay now" not in buyer
    assert heading_section(buyer, "answers-title") == "Your answers Your agreement Agreed"
    assert "You agreed" in heading_section(buyer, "history-title")

    seller = page(sale, "seller", "en")
    assert section(seller, "who-acts") == "You"
    assert section(seller, "turn-now") == "It is your turn: pay the fee below."
    assert "paused while we wait for you" in seller and "Pay now" in seller
    assert "Agreement given (Buyer)" in heading_section(seller, "history-title")
    assert section(seller, "people") == f"Seller: You Buyer: {NAMES['expat']['en']} — Agreed"

    arabic = page(sale, "buyer", "ar")
    assert (
        section(arabic, "turn-now")
        == f"دفع الرسوم على {NAMES['father']['ar']} (البائع). لا شيء مطلوب منك الآن."
    )
    assert "وافقت" in heading_section(arabic, "history-title")

    # The seller pays; the agency reviews; both read that nobody needs to act.
    pay(sale["seller"]["en"], sale["reference"])
    for who in ("seller", "buyer"):
        html = page(sale, who, "en")
        assert section(html, "who-acts") == "Ministry of Interior"
        assert (
            section(html, "turn-now")
            == "Ministry of Interior is reviewing the application. Nobody needs to do anything now."
        )

    # The caseworker approves: the registration goes to the buyer; nothing more to do for anyone.
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, sale["reference"])
    backoffice.approve(caseworker, sale["reference"])
    buyer = page(sale, "buyer", "en")
    assert section(buyer, "who-acts") == "Nobody" and section(buyer, "turn-now") == "Nothing more to do."
    assert "documents-title" in buyer  # the new registration is his


def test_a_declining_buyer_is_named_to_the_seller(sale):
    sale["buyer"]["en"].post(f"/applications/{sale['reference']}/consent", {"agree": "no"})
    seller = page(sale, "seller", "en")
    assert (
        section(seller, "turn-now")
        == f"{NAMES['expat']['en']} (Buyer) declined, so the application was cancelled."
    )
    assert "Agreement refused (Buyer)" in heading_section(seller, "history-title")
    buyer = page(sale, "buyer", "ar")
    assert section(buyer, "turn-now") == "رفضت، فأُلغيت المعاملة."
    assert "رفضت" in heading_section(buyer, "history-title")


def test_the_api_names_the_parties_and_says_whose_turn_it_is_as_the_page_does(sale, demo):
    agreed = sale["buyer"]["en"].post(f"/applications/{sale['reference']}/consent", {"agree": "yes"})
    assert agreed.status_code == 302
    buyer = sale["buyer"]["en"].get(f"/api/v1/applications/{sale['reference']}").json()
    # The other party by the register's name in both languages; the asker's own row carries none.
    assert {p["civil_id"]: p["name"] for p in buyer["parties"]} == {
        demo["father"]: NAMES["father"],
        demo["expat"]: None,
    }
    turn = buyer["turn"]
    assert turn["mine"] is False and turn["who"]["en"].startswith(NAMES["father"]["en"])
    assert turn["who"]["ar"].startswith(NAMES["father"]["ar"])
    assert NAMES["father"]["en"] in turn["now"]["en"]  # the seller pays; the buyer is not asked to
    page_turn = section(page(sale, "buyer", "en"), "turn-now")
    assert page_turn == turn["now"]["en"]

    seller = sale["seller"]["en"].get(f"/api/v1/applications/{sale['reference']}").json()
    assert seller["turn"]["mine"] is True and seller["turn"]["who"] == {"ar": "أنت", "en": "You"}
    assert {p["civil_id"]: p["name"] for p in seller["parties"]}[demo["expat"]] == NAMES["expat"]
