"""The applications API: the same rules and errors as the pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sahl.applications.models import Application
from sahl.registry.models import Passport
from tests.integration.conftest import documents_rendered, pay, proof_of_payment

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def create(client, service, answers, key, **files):
    return client.post(
        "/api/v1/applications",
        {"service": service, "answers": json.dumps(answers)} | files,
        HTTP_IDEMPOTENCY_KEY=key,
    )


def created_and_paid(client, service, answers, key) -> str:
    response = create(client, service, answers, key)
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    if response.json()["state"] == "awaiting_payment":
        started = client.post(f"/api/v1/applications/{reference}/payments")
        assert started.status_code == 201 and started.json()["payment_url"].endswith(
            started.json()["payment_url"][-16:]
        )
        pay(client, reference)
    return reference


def test_create_with_an_idempotency_key_list_and_detail(login, demo):
    expat = login(demo["expat"])
    response = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}, "key-1")
    assert response.status_code == 201
    assert response.json()["state"] == "awaiting_payment"
    pay(expat, response.json()["reference"])
    body = expat.get(f"/api/v1/applications/{response.json()['reference']}").json()
    assert body["state"] == "completed" and body["category_text"]["en"] == "Completed"
    assert body["fee"] == "10.000" and body["documents"][0]["verification_code"]
    again = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}, "key-1")
    assert again.status_code == 201 and again.json()["reference"] == body["reference"]
    assert [a["reference"] for a in expat.get("/api/v1/applications").json()] == [body["reference"]]
    detail = expat.get(f"/api/v1/applications/{body['reference']}").json()
    assert [e["kind"] for e in detail["history"]][-1] == "completed"
    early = expat.get(body["documents"][0]["download"])  # its PDF is made by the task worker
    assert early.status_code == 409 and early["Retry-After"]
    documents_rendered()
    pdf = expat.get(body["documents"][0]["download"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_same_key_with_a_different_body_is_a_409(login, demo):
    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    first = create(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "k")
    assert first.status_code == 201
    second = create(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "courier"}, "k")
    assert second.status_code == 409 and second.json()["code"] == "idempotency.conflict"
    assert Application.objects.filter(applicant__civil_id=demo["father"]).count() == 1


def test_a_missing_key_and_bad_answers_are_400_problems_tampering_a_422(login, demo):
    expat = login(demo["expat"])
    missing = expat.post(
        "/api/v1/applications", {"service": "moi.vehicle-registration-renewal", "answers": "{}"}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency.missing"
    tampered = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"}, "k2")
    assert tampered.status_code == 422  # well-formed, but the answers fail the service's form
    assert (
        tampered.json()["fields"]["plate_number"]["en"]
        == "Choose one of the records registered in your name."
    )
    assert create(expat, "moi.vehicle-registration-renewal", [], "k3").status_code == 400
    assert not Application.objects.filter(applicant__civil_id=demo["expat"]).exists()


def test_another_persons_application_is_a_404_problem(login, demo):
    expat = login(demo["expat"])
    reference = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}, "k").json()[
        "reference"
    ]
    stranger = login(demo["owner"])
    for response in (
        stranger.get(f"/api/v1/applications/{reference}"),
        stranger.post(f"/api/v1/applications/{reference}/withdraw", {}, content_type="application/json"),
        stranger.get("/api/v1/applications/2026-9999999"),
    ):
        assert response.status_code == 404 and response.json()["code"] == "application.not_found"


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/applications").status_code == 401


def test_caseworker_actions_and_the_applicants_answer(login, demo):
    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = created_and_paid(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "k"
    )
    staff = login(demo["caseworker"])
    queue = staff.get("/api/v1/backoffice/cases").json()
    assert reference in [c["reference"] for c in queue]
    assert (
        staff.post(f"/api/v1/backoffice/cases/{reference}/take").json()["assigned_to"] == demo["caseworker"]
    )
    asked = staff.post(
        f"/api/v1/backoffice/cases/{reference}/request-information",
        {"message": "photo please", "document_code": "personal_photo"},
        content_type="application/json",
    )
    assert asked.json()["state"] == "action_needed"
    assert father.get(f"/api/v1/applications/{reference}").json()["open_request"]["message"] == "photo please"
    answered = father.post(
        f"/api/v1/applications/{reference}/response",
        {"answer": "attached", "document": SimpleUploadedFile("p.png", PNG, content_type="image/png")},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "in_review"
    rejected = staff.post(
        f"/api/v1/backoffice/cases/{reference}/reject", {"reason": ""}, content_type="application/json"
    )
    assert rejected.status_code == 400 and rejected.json()["code"] == "application.reason_required"
    approved = staff.post(
        f"/api/v1/backoffice/cases/{reference}/approve", {}, content_type="application/json"
    )
    assert approved.json()["state"] == "completed"
    assert father.get(f"/api/v1/applications/{reference}").json()["decision"]["outcome"] == "approved"


def test_staff_of_another_agency_and_citizens_get_404_from_the_back_office_api(login, demo):
    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = create(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "k"
    ).json()["reference"]
    assert login(demo["paci-staff"]).post(f"/api/v1/backoffice/cases/{reference}/take").status_code == 404
    assert login(demo["owner"]).get("/api/v1/backoffice/cases").status_code == 404


def test_consent_and_withdraw_through_the_api(login, demo):
    father = login(demo["father"])
    body = {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    filed = create(father, "moi.vehicle-ownership-transfer", body, "k", **proof_of_payment())
    reference = filed.json()["reference"]
    buyer = login(demo["expat"])
    agreed = buyer.post(
        f"/api/v1/applications/{reference}/consent", {"agree": True}, content_type="application/json"
    )
    assert agreed.json()["state"] == "awaiting_payment"
    withdrawn = father.post(
        f"/api/v1/applications/{reference}/withdraw",
        {"reason": "sold elsewhere"},
        content_type="application/json",
    )
    assert withdrawn.json()["state"] == "withdrawn"
    again = father.post(f"/api/v1/applications/{reference}/withdraw", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "application.illegal_transition"


def test_the_openapi_document_describes_every_application_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/applications",
        "/api/v1/applications/{reference}",
        "/api/v1/applications/{reference}/consent",
        "/api/v1/applications/{reference}/withdraw",
        "/api/v1/applications/{reference}/response",
        "/api/v1/backoffice/cases",
        "/api/v1/backoffice/cases/{reference}/take",
        "/api/v1/backoffice/cases/{reference}/request-information",
        "/api/v1/backoffice/cases/{reference}/approve",
        "/api/v1/backoffice/cases/{reference}/reject",
    ):
        assert path in spec["paths"], path
    assert "Idempotency-Key" in spec["paths"]["/api/v1/applications"]["post"]["description"]
