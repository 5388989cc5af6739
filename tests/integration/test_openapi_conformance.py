"""The committed OpenAPI document (docs/openapi.json) is what the API answers: a tour calls EVERY
operation the document lists, at least once with success and once with an error, through the real
people's and agencies' flows, and `openapi-core` checks each answer against the document (the
status is declared, the body matches the schema of that status and content type). An operation the
tour never called fails the test, so a new endpoint cannot go undocumented-in-practice."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from sahl.catalogue import services as catalogue
from sahl.mandates.models import Mandate
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import (
    DjangoTransport,
    apply,
    documents_rendered,
    pay,
    proof_of_payment,
    reference_of,
    run_tasks,
)
from tests.integration.test_agency_api import CLEARANCE, PDF, System
from tests.integration.test_applications_api import create, created_and_paid
from tests.integration.test_business_api import company_rows
from tests.integration.test_mandates import grant
from tests.integration.test_privacy import SALE
from tests.integration.test_wallet import csrf, new_licence

pytestmark = pytest.mark.django_db
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PROBLEM = "application/problem+json"


class Tour:
    """Checks every answer against the document and remembers which operations answered what."""

    def __init__(self) -> None:
        self.document = json.loads(DOCUMENT.read_text())
        # RFC 9457's media type is JSON; openapi-core reads only the JSON types it knows by name.
        problems = {PROBLEM: lambda body, **_: json.loads(body)}
        self.openapi = OpenAPI.from_dict(
            self.document, config=Config(extra_media_type_deserializers=problems)
        )
        self.templates = [
            (method.upper(), template, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"))
            for template, item in self.document["paths"].items()
            for method in item
        ]
        self.statuses: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.failures: list[str] = []

    def operation(self, method: str, path: str) -> tuple[str, str]:
        found = [t for m, t, pattern in self.templates if m == method and pattern.match(path)]
        assert found, f"{method} {path} is no operation of the document"
        return method, min(found, key=lambda t: t.count("{"))  # a literal segment wins over a parameter

    def answered(
        self, method: str, path: str, status: int, content_type: str, body: bytes, headers: dict
    ) -> None:
        operation = self.operation(method, path)
        self.statuses[operation].add(status)
        request = MockRequest("http://testserver", method.lower(), path)
        response = MockResponse(body, status_code=status, headers=headers, content_type=content_type)
        try:
            self.openapi.validate_response(request, response)
        except Exception as error:  # openapi-core's errors say what differs; collect them all
            causes = "; ".join(str(c)[:400] for c in _causes(error))
            self.failures.append(f"{method} {path} -> {status} {content_type}: {error} {causes}")
            return
        if status >= 400 and content_type == PROBLEM:
            problem = json.loads(body)
            if problem["status"] != status or problem["type"] != f"urn:sahl:problem:{problem['code']}":
                self.failures.append(f"{method} {path} -> {status}: the problem's status or type disagrees")

    def django(self, response: Any, *expected: int) -> Any:
        """Check a Django test client's answer; it is returned (its body read, also when streamed)."""
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.answered(
            response.request["REQUEST_METHOD"],
            response.request["PATH_INFO"],
            response.status_code,
            response["Content-Type"],
            body,
            dict(response.items()),
        )
        self.expect(
            response.request["REQUEST_METHOD"],
            response.request["PATH_INFO"],
            response.status_code,
            expected,
            body,
        )
        response.body = body
        return response

    def http(self, response: httpx.Response, *expected: int) -> httpx.Response:
        """Check an httpx answer (an agency's system talking HTTP to Sahl in-process)."""
        self.answered(
            response.request.method,
            response.request.url.path,
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
            dict(response.headers),
        )
        self.expect(
            response.request.method,
            response.request.url.path,
            response.status_code,
            expected,
            response.content,
        )
        return response

    def expect(self, method: str, path: str, status: int, expected: tuple[int, ...], body: bytes) -> None:
        """The tour's own expectation (which answer this call should get), told with the rest."""
        if status not in expected:
            self.failures.append(f"{method} {path} -> {status}, the tour expected {expected}: {body[:300]!r}")

    def unexercised(self) -> list[str]:
        """Operations of the document that answered no success or no error in the tour."""
        missing = []
        for method, template, _ in self.templates:
            seen = self.statuses.get((method, template), set())
            if not any(s < 400 for s in seen):
                missing.append(f"{method} {template}: no success")
            if not any(s >= 400 for s in seen):
                missing.append(f"{method} {template}: no error")
        return missing


def _causes(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    for inner in getattr(error, "schema_errors", None) or []:
        found.append(inner)
    if error.__cause__ is not None:
        found.append(error.__cause__)
        found += _causes(error.__cause__)
    return found


def json_body(client: Client, method: str, path: str, body: Any, **extra: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **extra)


def test_every_operation_answers_as_the_document_says(login, demo, monkeypatch):
    tour = Tour()
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    catalogue_tour(tour, anonymous, monkeypatch)
    people_tour(tour, login, demo, anonymous)
    business_tour(tour, login, demo, anonymous)
    casework_tour(tour, login, demo)
    staff_tour(tour, login, demo, anonymous)
    agency_tour(tour, login, demo)
    missing = tour.unexercised()
    assert not tour.failures and not missing, (
        "answers that differ from docs/openapi.json:\n"
        + "\n".join(tour.failures)
        + "\noperations the tour did not call (add them to it):\n"
        + "\n".join(missing)
    )


def catalogue_tour(tour: Tour, anonymous: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    tour.django(anonymous.get("/api/v1/agencies"), 200)
    tour.django(anonymous.get("/api/v1/agencies/moi"), 200)
    tour.django(anonymous.get("/api/v1/agencies/nowhere"), 404)
    tour.django(anonymous.get("/api/v1/categories"), 200)
    tour.django(anonymous.get("/api/v1/services", {"agency": "moi", "limit": 3}), 200)
    tour.django(anonymous.get("/api/v1/services", {"limit": "many"}), 400)
    # A service with documents to attach and a party who consents: the shapes once documented wrongly.
    detail = tour.django(anonymous.get(f"/api/v1/services/{SALE}"), 200)
    assert json.loads(detail.body)["parties"]
    with_documents = next(
        s["code"]
        for s in json.loads(anonymous.get("/api/v1/services", {"limit": 200}).content)["items"]
        if json.loads(anonymous.get(f"/api/v1/services/{s['code']}").content)["required_documents"]
    )
    tour.django(anonymous.get(f"/api/v1/services/{with_documents}"), 200)
    tour.django(anonymous.get("/api/v1/services/no.such-service"), 404)
    tour.django(anonymous.get("/api/v1/search", {"q": "passport"}), 200)
    tour.django(anonymous.get("/api/v1/search", {"q": ""}), 400)
    wallet = Client(HTTP_ACCEPT_LANGUAGE="en")
    tour.django(json_body(wallet, "post", "/api/v1/wallet/verify", {"presentation": "not.a.credential"}), 200)
    tour.django(json_body(wallet, "post", "/api/v1/wallet/verify", {"presentation": ""}), 400)
    # Lists without parameters meet only Sahl's own failures: the catalogue breaks once.
    failing = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    with monkeypatch.context() as broken:
        broken.setattr(catalogue, "kept_answer", _broken)
        tour.django(failing.get("/api/v1/agencies"), 500)
        tour.django(failing.get("/api/v1/categories"), 500)


def _broken(key: str, make: Any) -> bytes:
    raise RuntimeError("the catalogue's cache is broken")


def people_tour(tour: Tour, login: Any, demo: dict[str, str], anonymous: Client) -> None:
    expat, father = login(demo["expat"], "en"), login(demo["father"], "en")
    for path in (
        "/api/v1/applications",
        "/api/v1/me/notification-settings",
        "/api/v1/me/access-log",
        "/api/v1/me/data",
        "/api/v1/me/consents",
        "/api/v1/me/acting-as",
        "/api/v1/me/mandates",
        "/api/v1/me/reminders",
        "/api/v1/wallet/documents",
    ):
        tour.django(anonymous.get(path), 401)
        tour.django(father.get(path), 200)

    # Whether one can file a service, asked before filing; a refusal with its figures (the fines).
    eligibility = f"/api/v1/services/{RENEWAL}/eligibility"
    tour.django(anonymous.get(eligibility), 401)
    tour.django(expat.get(eligibility), 200)
    tour.django(expat.get("/api/v1/services/moi.no-such-service/eligibility"), 404)
    fined = login(demo["fines"], "en")
    tour.django(create(fined, RENEWAL, {"plate_number": "12-10001"}, "tour-fines"), 400)

    # Filing, paying and reading through the API.
    renewal = {"plate_number": "45-20002"}
    tour.django(expat.post("/api/v1/applications", {"service": RENEWAL, "answers": "{}"}), 400)  # no key
    tour.django(create(expat, RENEWAL, {"plate_number": "12-10001"}, "tour-0"), 422)  # not his vehicle
    filed = tour.django(create(expat, RENEWAL, renewal, "tour-1"), 201)
    reference = json.loads(filed.body)["reference"]
    tour.django(create(expat, RENEWAL, {"plate_number": "45-20003"}, "tour-1"), 409)  # the key, reused
    tour.django(expat.get(f"/api/v1/applications/{reference}/payments"), 200)
    tour.django(expat.post(f"/api/v1/applications/{reference}/payments"), 201)
    tour.django(expat.get("/api/v1/applications/2099-9999999/payments"), 404)
    pay(expat, reference)
    tour.django(expat.post(f"/api/v1/applications/{reference}/payments"), 409)  # paid already
    # A basket: one payment for several dues (started by the company pages; read by the payer).
    from sahl.core.bilingual import BilingualText
    from sahl.identity.models import User
    from sahl.payments.baskets import Due, start_for_dues

    owed = Due("PIFSS-TOUR-1", "pam", 1000, BilingualText("اشتراك", "Contribution"), demo["expat"])
    basket = start_for_dues(User.objects.get(civil_id=demo["expat"]), [owed])
    tour.django(expat.get(f"/api/v1/payments/{basket.reference}"), 200)
    tour.django(father.get(f"/api/v1/payments/{basket.reference}"), 404)  # not his
    completed = json.loads(tour.django(expat.get(f"/api/v1/applications/{reference}"), 200).body)
    assert completed["documents"] and completed["decision"]
    tour.django(expat.get(completed["documents"][0]["download"]), 409)  # its PDF is being made
    documents_rendered()  # as the task worker does just after
    tour.django(expat.get(completed["documents"][0]["download"]), 200)
    tour.django(expat.get(f"/api/v1/applications/{reference}/documents/999999"), 404)
    tour.django(father.get(f"/api/v1/applications/{reference}"), 404)  # not his
    tour.django(json_body(expat, "post", f"/api/v1/applications/{reference}/withdraw", {}), 409)  # decided
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    second = json.loads(tour.django(create(father, RENEWAL, {"plate_number": plate}, "tour-2"), 201).body)
    withdraw = f"/api/v1/applications/{second['reference']}/withdraw"
    tour.django(json_body(father, "post", withdraw, {"reason": "sold"}), 200)

    # A party's consent: the father sells his car to the expatriate, who agrees.
    answers = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "certified_cheque"}
    sale = reference_of(apply(father, SALE, answers, proof_of_payment()))
    tour.django(json_body(expat, "post", f"/api/v1/applications/{sale}/consent", {"agree": True}), 200)
    tour.django(json_body(expat, "post", f"/api/v1/applications/{sale}/consent", {"agree": True}), 404)

    # Settings, the inbox, whom I act for, powers of attorney.
    settings = {"email": "ahmad@example.com", "phone": "", "notify_by_email": True, "language": "en"}
    tour.django(json_body(father, "put", "/api/v1/me/notification-settings", settings), 200)
    tour.django(json_body(father, "put", "/api/v1/me/notification-settings", {"email": "not-mail"}), 422)
    run_tasks()
    inbox = json.loads(tour.django(expat.get("/api/v1/inbox"), 200).body)
    tour.django(expat.get("/api/v1/inbox", {"page": "first"}), 400)
    tour.django(expat.get(f"/api/v1/inbox/{inbox['messages'][0]['id']}"), 200)
    tour.django(expat.get("/api/v1/inbox/999999"), 404)
    tour.django(json_body(father, "put", "/api/v1/me/acting-as", {"subject": demo["father"]}), 200)
    tour.django(json_body(father, "put", "/api/v1/me/acting-as", {"subject": demo["owner"]}), 403)
    giver, _, power = grant(login, demo)
    mandate = Mandate.objects.get(application_reference=power).pk
    tour.django(json_body(giver, "post", f"/api/v1/me/mandates/{mandate}/revoke", {"reason": ""}), 200)
    tour.django(json_body(giver, "post", f"/api/v1/me/mandates/{mandate}/revoke", {"reason": ""}), 409)

    # Hawiyati: an offer for a driving licence.
    licence = new_licence(father, demo["father"])
    offer = {"document": licence.pk}
    tour.django(json_body(father, "post", "/api/v1/wallet/offers", offer, **csrf(father)), 201)
    tour.django(json_body(father, "post", "/api/v1/wallet/offers", {"document": 999999}, **csrf(father)), 404)


RENEWAL = "moi.vehicle-registration-renewal"


def business_tour(tour: Tour, login: Any, demo: dict[str, str], anonymous: Client) -> None:
    """A company's owner and a stranger (404 for every company operation), before the agency tour
    cancels the company's licence."""
    rows = company_rows(demo)
    noura, stranger, company = (
        login(demo["owner"], "en"),
        login(demo["expat"], "en"),
        "/api/v1/companies/CR-100001",
    )
    for path in ("", "/workers", "/statements", "/representatives"):
        tour.django(noura.get(company + path), 200)
        tour.django(stranger.get(company + path), 404)
    tour.django(noura.get(f"{company}/workers", {"size": 0}), 400)
    renewal = {"workers": rows["expiring"]}
    started = tour.django(
        json_body(noura, "post", f"{company}/renewals", renewal, HTTP_IDEMPOTENCY_KEY="b-1"), 202
    )
    tour.django(json_body(noura, "post", f"{company}/renewals", renewal), 400)  # no key
    tour.django(
        json_body(
            noura,
            "post",
            f"{company}/renewals",
            {"workers": rows["expiring"][:1]},
            HTTP_IDEMPOTENCY_KEY="b-1",
        ),
        409,
    )
    reference = json.loads(started.body)["reference"]
    run_tasks()  # the filing, in the background
    tour.django(noura.get(f"{company}/renewals/{reference}"), 200)
    tour.django(noura.get(f"{company}/renewals/BR-0000000000"), 404)
    tour.django(noura.post(f"{company}/renewals/{reference}/payment"), 201)
    tour.django(noura.post(f"{company}/renewals/BR-0000000000/payment"), 404)
    statements = {"statements": [rows["overdue"]]}
    tour.django(json_body(noura, "post", f"{company}/statements/payment", statements), 201)
    tour.django(
        json_body(noura, "post", f"{company}/statements/payment", {"statements": ["statement:0"]}), 404
    )

    until = str(timezone.localdate() + dt.timedelta(days=30))
    invite = {"civil_id": demo["father"], "scope": "labour", "valid_until": until}
    role = json.loads(tour.django(json_body(noura, "post", f"{company}/representatives", invite), 201).body)
    tour.django(json_body(noura, "post", f"{company}/representatives", invite | {"scope": "everything"}), 400)
    ahmad = login(demo["father"], "en")
    tour.django(anonymous.get("/api/v1/me/representations"), 401)
    tour.django(ahmad.get("/api/v1/me/representations"), 200)
    tour.django(ahmad.post(f"/api/v1/me/representations/{role['id']}/accept"), 200)
    tour.django(stranger.post(f"/api/v1/me/representations/{role['id']}/accept"), 404)
    tour.django(noura.post(f"{company}/representatives/{role['id']}/revoke"), 200)
    tour.django(noura.post(f"{company}/representatives/{role['id']}/revoke"), 409)


def staff_tour(tour: Tour, login: Any, demo: dict[str, str], anonymous: Client) -> None:
    """An agency administrator appoints and removes staff; the public figures."""
    admin, father = login(demo["moi-admin"], "en"), login(demo["father"], "en")
    tour.django(admin.get("/api/v1/backoffice/staff"), 200)
    tour.django(father.get("/api/v1/backoffice/staff"), 404)  # administers nothing
    appoint = {"civil_id": demo["delegate"], "role": "caseworker"}
    member = json.loads(tour.django(json_body(admin, "post", "/api/v1/backoffice/staff", appoint), 201).body)
    tour.django(json_body(admin, "post", "/api/v1/backoffice/staff", appoint), 409)  # has the role
    tour.django(json_body(admin, "post", "/api/v1/backoffice/staff", appoint | {"civil_id": "123"}), 400)
    oneself = {
        "civil_id": demo["moi-admin"],
        "role": "caseworker",
    }  # an administrator's role: not hers to give
    tour.django(json_body(admin, "post", "/api/v1/backoffice/staff", oneself), 403)
    tour.django(json_body(father, "post", "/api/v1/backoffice/staff", appoint), 404)
    tour.django(admin.delete(f"/api/v1/backoffice/staff/{member['id']}"), 204)
    tour.django(admin.delete(f"/api/v1/backoffice/staff/{member['id']}"), 404)  # gone
    tour.django(anonymous.get("/api/v1/statistics"), 200)
    tour.django(anonymous.get("/api/v1/statistics", {"month": "\x00"}), 400)  # hostile input


def casework_tour(tour: Tour, login: Any, demo: dict[str, str]) -> None:
    father, mother, staff = (
        login(demo["father"], "en"),
        login(demo["mother"], "en"),
        login(demo["caseworker"], "en"),
    )
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = created_and_paid(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "cw-1"
    )
    tour.django(staff.get("/api/v1/backoffice/cases"), 200)
    tour.django(father.get("/api/v1/backoffice/cases"), 404)  # not staff
    tour.django(staff.get(f"/api/v1/backoffice/cases/{reference}"), 200)
    tour.django(staff.get("/api/v1/backoffice/cases/2099-9999999"), 404)
    tour.django(staff.post(f"/api/v1/backoffice/cases/{reference}/take"), 200)
    tour.django(staff.post("/api/v1/backoffice/cases/2099-9999999/take"), 404)
    ask = {"message": "A new photo, please", "document_code": "personal_photo"}
    tour.django(
        json_body(staff, "post", f"/api/v1/backoffice/cases/{reference}/request-information", ask), 200
    )
    tour.django(
        json_body(staff, "post", f"/api/v1/backoffice/cases/{reference}/request-information", {}), 400
    )
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    tour.django(
        father.post(f"/api/v1/applications/{reference}/response", {"answer": "here", "document": png}), 200
    )
    tour.django(
        father.post(f"/api/v1/applications/{reference}/response", {"answer": "again"}), 400
    )  # nothing asked
    tour.django(
        json_body(staff, "post", f"/api/v1/backoffice/cases/{reference}/approve", {"note": "ok"}), 200
    )
    tour.django(json_body(staff, "post", f"/api/v1/backoffice/cases/{reference}/approve", {}), 409)  # decided
    lost = {"document_type": "civil_id", "loss_date": str(timezone.localdate()), "loss_place": "Salmiya"}
    other = created_and_paid(mother, "moi.lost-document-report", lost, "cw-2")
    tour.django(staff.post(f"/api/v1/backoffice/cases/{other}/take"), 200)
    tour.django(json_body(staff, "post", f"/api/v1/backoffice/cases/{other}/reject", {}), 400)  # no reason
    tour.django(
        json_body(staff, "post", f"/api/v1/backoffice/cases/{other}/reject", {"reason": "photo"}), 200
    )

    # Official notices.
    notice = {"civil_id": demo["mother"], "subject": "Court summons", "body": "Please attend."}
    sent = json.loads(tour.django(json_body(staff, "post", "/api/v1/notices", notice), 201).body)
    tour.django(json_body(staff, "post", "/api/v1/notices", notice | {"civil_id": "123"}), 422)
    tour.django(staff.get("/api/v1/notices"), 200)
    tour.django(father.get("/api/v1/notices"), 404)
    tour.django(staff.get(f"/api/v1/notices/{sent['reference']}"), 200)
    tour.django(staff.get("/api/v1/notices/N-2099-9999999"), 404)


def agency_tour(tour: Tour, login: Any, demo: dict[str, str]) -> None:
    mew, moi = System("mew"), System("moi")
    token = httpx.Client(transport=DjangoTransport(), base_url="http://testserver/api/v1/agency")
    good = {"grant_type": "client_credentials"} | {
        "client_id": mew.credential.client_id,
        "client_secret": mew.credential.client_secret,
    }
    tour.http(token.post("/token", data=good), 200)
    tour.http(token.post("/token", data=good | {"client_secret": "wrong"}), 401)
    tour.http(token.get("/keys/mew"), 200)
    tour.http(token.get("/keys/nowhere"), 404)
    tour.http(token.get("/applications"), 401)  # no token

    father = login(demo["father"], "en")
    reference = reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))
    tour.http(mew.get("/applications"), 200)
    tour.http(mew.get(f"/applications/{reference}"), 200)
    tour.http(moi.get(f"/applications/{reference}"), 404)  # another agency's
    tour.http(mew.post(f"/applications/{reference}/status", {"status": "received"}, key="t-1"), 200)
    tour.http(mew.post(f"/applications/{reference}/status", {"status": "received"}, key=None), 400)
    ask = {"message": "Send the deed", "document": "deed"}
    tour.http(mew.post(f"/applications/{reference}/information-requests", ask, key="t-2"), 201)
    tour.http(mew.post("/applications/2099-9999999/information-requests", ask, key="t-3"), 404)
    deed = SimpleUploadedFile("deed.pdf", PDF, content_type="application/pdf")
    tour.django(
        father.post(f"/api/v1/applications/{reference}/response", {"answer": "here", "document": deed}), 200
    )
    [attachment] = tour.http(mew.get(f"/applications/{reference}"), 200).json()["attachments"]
    tour.http(mew.get(f"/applications/{reference}/attachments/{attachment['id']}"), 200)
    tour.http(mew.get(f"/applications/{reference}/attachments/999999"), 404)
    form = {"document": "mew_clearance", "title_ar": "شهادة", "title_en": "Certificate"}
    upload = {"file": ("certificate.pdf", PDF, "application/pdf")}
    documents = f"/applications/{reference}/documents"
    tour.http(mew.http.post(documents, data=form, files=upload, headers=mew.headers("t-4")), 201)
    tour.http(mew.http.post(documents, data=form, headers=mew.headers("t-5")), 400)  # no file
    tour.http(mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, key="t-6"), 200)
    tour.http(mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, key="t-7"), 409)
    # The person reads the decided application: its documents and decision as the document says.
    mine = json.loads(tour.django(father.get(f"/api/v1/applications/{reference}"), 200).body)
    assert mine["documents"] and mine["decision"]

    plate = Vehicle.objects.order_by("plate").first().plate
    change = {"registration_expiry": "2031-01-31"}
    tour.http(moi.post(f"/registers/vehicles/{plate}", change, key="t-8"), 200)
    tour.http(mew.post(f"/registers/vehicles/{plate}", change, key="t-9"), 403)  # not the register's owner

    # The births and marriages registers' owners (MOH, MOJ) record an event; journeys start from it.
    moh, moj = System("moh"), System("moj")
    today = timezone.localdate()
    birth = {
        "notification_number": "B-TOUR-1",
        "hospital": "jahra",
        "mother_civil_id": demo["mother"],
        "father_civil_id": demo["father"],
        "name_ar": "نورة أحمد المطيري",
        "name_en": "Noura Ahmad Al-Mutairi",
        "sex": "F",
        "birth_date": today.isoformat(),
    }
    tour.http(moh.post("/registers/births", birth, key="t-10"), 201)
    tour.http(mew.post("/registers/births", birth, key="t-11"), 403)
    tour.http(moh.post("/registers/births", birth | {"hospital": "moon"}, key="t-12"), 400)
    tour.http(
        moh.post(
            "/registers/births",
            birth | {"notification_number": "B-TOUR-2", "mother_civil_id": demo["expat"]},
            key="t-13",
        ),
        409,
    )
    marriage = {
        "contract_number": "MC-TOUR-1",
        "husband_civil_id": demo["groom"],
        "wife_civil_id": demo["bride"],
        "married_on": today.isoformat(),
    }
    tour.http(moj.post("/registers/marriages", marriage, key="t-14"), 201)
    tour.http(moh.post("/registers/marriages", marriage, key="t-15"), 403)
    tour.http(moj.post("/registers/marriages", marriage | {"married_on": "2999-01-01"}, key="t-16"), 400)

    # The companies register's owner (MOCI) cancels a licence; its credentials are refused from then on.
    moci, cancel = System("moci"), "/registers/companies/CR-100001/licence-cancellation"
    tour.http(moci.post(cancel, {}, key="t-17"), 200)
    tour.http(mew.post(cancel, {}, key="t-18"), 403)
    tour.http(moci.post("/registers/companies/CR-999999/licence-cancellation", {}, key="t-19"), 404)

    # The members read their journey and confirm an offer.
    run_tasks()
    father = login(demo["father"], "en")
    tour.django(father.get("/api/v1/me/journeys"), 200)
    tour.django(Client().get("/api/v1/me/journeys"), 401)
    [journey] = json.loads(father.get("/api/v1/me/journeys").content)
    path = f"/api/v1/me/journeys/{journey['reference']}"
    tour.django(father.get(path), 200)
    tour.django(login(demo["expat"], "en").get(path), 404)
    tour.django(father.post(f"{path}/steps/child_allowance/confirm", **csrf(father)), 200)
    tour.django(father.post(f"{path}/steps/no_such_step/confirm", **csrf(father)), 404)
