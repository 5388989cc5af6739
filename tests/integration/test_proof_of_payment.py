"""Issue 17, point 10: a sale paid by bank transfer (or certified cheque) is not accepted without the
proof of payment, on the page and in the API, in the person's language; with the proof it is; a
sale between relatives needs none."""

from __future__ import annotations

import json
import re

import pytest

from sahl.applications.models import Application, Attachment
from tests.integration.conftest import apply, proof_of_payment

pytestmark = pytest.mark.django_db
SALE = "moi.vehicle-ownership-transfer"
SAID = {
    "en": "Attach this document: it is required because you chose “Bank transfer” for “How the price is paid”.",
    "ar": "أرفق هذا المستند، فهو مطلوب لأنك اخترت «تحويل بنكي» في «طريقة سداد الثمن».",
}


def sale(demo, method: str = "bank_transfer") -> dict:
    return {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": method}


def nothing_filed() -> bool:
    return not Application.objects.filter(service__code=SALE).exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_page_refuses_a_bank_transfer_without_its_proof_beside_the_field(login, demo, language):
    father = login(demo["father"], language)
    response = apply(father, SALE, sale(demo))
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<p class="error" id="e-d-proof_of_payment">([^<]+)</p>', page)
    assert error and error.group(1) == SAID[language], page
    file_input = re.search(r'<input type="file" name="proof_of_payment"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in file_input and "e-d-proof_of_payment" in file_input
    assert nothing_filed()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_form_says_beforehand_when_the_proof_is_required(login, demo, language):
    page = login(demo["father"], language).get(f"/services/{SALE}/apply").content.decode()
    hint = re.search(r'<p class="hint" id="w-proof_of_payment">([^<]+)</p>', page)
    assert hint, page
    expected = {
        "en": "Required if you choose “Bank transfer” or “Certified bank cheque” for “How the price is paid”.",
        "ar": "مطلوب إذا اخترت «تحويل بنكي» أو «شيك مصرفي مصدّق» في «طريقة سداد الثمن».",
    }[language]
    assert hint.group(1) == expected
    assert 'aria-describedby="w-proof_of_payment"' in page


def test_the_page_accepts_the_sale_with_its_proof(login, demo):
    father = login(demo["father"], "en")
    response = apply(father, SALE, sale(demo), proof_of_payment())
    assert response.status_code == 302
    application = Application.objects.get(service__code=SALE)
    assert application.attachments.get().document_code == "proof_of_payment"


def test_a_sale_between_relatives_needs_no_proof(login, demo):
    father = login(demo["father"], "en")
    assert apply(father, SALE, sale(demo, "between_relatives")).status_code == 302
    assert Application.objects.get(service__code=SALE).attachments.count() == 0


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_api_refuses_a_certified_cheque_without_its_proof_as_problem_details(login, demo, language):
    father = login(demo["father"], language)
    body = {"service": SALE, "answers": json.dumps(sale(demo, "certified_cheque"))}
    response = father.post(
        "/api/v1/applications", body, HTTP_IDEMPOTENCY_KEY="no-proof", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "application.form_invalid"
    assert set(problem["fields"]) == {"proof_of_payment"}
    said = problem["fields"]["proof_of_payment"]
    assert "«شيك مصرفي مصدّق»" in said["ar"] and "“Certified bank cheque”" in said["en"]
    assert nothing_filed()

    with_proof = father.post(
        "/api/v1/applications", body | proof_of_payment(), HTTP_IDEMPOTENCY_KEY="with-proof"
    )
    assert with_proof.status_code == 201, with_proof.content
    assert Application.objects.get(service__code=SALE).attachments.count() == 1


def test_the_service_page_says_which_choices_require_the_proof(client):
    page = client.get(f"/services/{SALE}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "required if you choose “Bank transfer” or “Certified bank cheque”" in page


def test_the_catalogue_api_says_which_answers_require_the_proof(client):
    documents = client.get(f"/api/v1/services/{SALE}").json()["required_documents"]
    proof = next(d for d in documents if d["code"] == "proof_of_payment")
    assert proof["required"] is False
    assert proof["required_when"] == {
        "field": "payment_method",
        "values": ["bank_transfer", "certified_cheque"],
    }
