"""The inbound agency API (docs/agency-api.md, sections 2 and 3), driven over HTTP as an agency's
system would: client credentials, its own applications only, every read in the person's access
log, idempotent writes, problem details in both languages."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sahl.applications.models import Application, HistoryEvent, InfoRequest, IssuedDocument
from sahl.catalogue.models import Agency
from sahl.idempotency.models import IdempotentRequest
from sahl.integrations import agency_services
from sahl.integrations import services as integrations
from sahl.outbox.models import Delivery
from sahl.registry.models import Vehicle
from tests.integration.conftest import DjangoTransport, apply, reference_of, run_tasks

pytestmark = pytest.mark.django_db
CLEARANCE = "mew.clearance-certificate"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url="http://testserver/api/v1/agency")


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


GRANT = {"grant_type": "client_credentials"}


class System:
    """An agency's system: its credential, a token, and calls with it."""

    def __init__(self, code: str) -> None:
        self.agency = Agency.objects.get(code=code)
        self.credential = integrations.new_credential(self.agency)
        self.http = http()
        answer = self.http.post(
            "/token", data=GRANT, headers=basic(self.credential.client_id, self.credential.client_secret)
        )
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]

    def headers(self, key: str | None = None, language: str = "en") -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": language}
        return headers | ({"Idempotency-Key": key} if key else {})

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers())

    def post(self, path: str, body: dict, key: str | None = "k-1", language: str = "en") -> httpx.Response:
        return self.http.post(path, json=body, headers=self.headers(key, language))


@pytest.fixture
def mew(db) -> System:
    return System("mew")


@pytest.fixture
def moi(db) -> System:
    return System("moi")


@pytest.fixture
def filed(login, demo):
    """`filed()` files a clearance certificate (an `agency_api` service of MEW, free, no eligibility)
    as Ahmad (MEW has no connection here: no delivery runs) and gives its reference."""

    def make(purpose: str = "other") -> str:
        father = login(demo["father"], "en")
        return reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": purpose}))

    return make


def kinds(reference: str) -> list[str]:
    return list(Application.objects.get(reference=reference).history.values_list("kind", flat=True))


def state_of(reference: str) -> str:
    return Application.objects.get(reference=reference).state


# --- Token -----------------------------------------------------------------------------------------


def test_a_token_for_client_credentials_opens_the_api(mew, filed):
    reference = filed()
    credential = integrations.new_credential(mew.agency)
    answer = http().post("/token", data=GRANT, headers=basic(credential.client_id, credential.client_secret))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and len(body["access_token"]) >= 40
    # Only the token's SHA-256 is kept.
    from sahl.integrations.models import AccessToken

    digest = hashlib.sha256(body["access_token"].encode()).hexdigest()
    assert AccessToken.objects.filter(token_sha256=digest).exists()
    assert not AccessToken.objects.filter(token_sha256=body["access_token"]).exists()
    read = http().get(
        f"/applications/{reference}", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert read.status_code == 200 and read.json()["reference"] == reference


def test_client_id_and_secret_in_the_body_are_accepted_but_not_both_methods(mew):
    credential = integrations.new_credential(mew.agency)
    pair = {"client_id": credential.client_id, "client_secret": credential.client_secret}
    assert http().post("/token", data=GRANT | pair).status_code == 200
    both = http().post(
        "/token", data=GRANT | pair, headers=basic(credential.client_id, credential.client_secret)
    )
    assert both.status_code == 400 and both.json()["error"] == "invalid_request"


def test_a_bad_client_a_bad_grant_and_a_missing_grant_answer_in_the_oauth_shape(mew):
    credential = integrations.new_credential(mew.agency)
    wrong = http().post("/token", data=GRANT, headers=basic(credential.client_id, "not-the-secret"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.headers["WWW-Authenticate"].startswith("Basic")
    unknown = http().post("/token", data=GRANT, headers=basic("nobody", "nothing"))
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    assert http().post("/token", data=GRANT).status_code == 401  # no client authentication at all
    garbled = http().post("/token", data=GRANT, headers={"Authorization": "Basic %%%"})
    assert garbled.status_code == 401 and garbled.json()["error"] == "invalid_client"
    good = basic(credential.client_id, credential.client_secret)
    grant = http().post("/token", data={"grant_type": "password"}, headers=good)
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = http().post("/token", data={}, headers=good)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    assert "access_token" not in wrong.text + grant.text + missing.text


def test_a_revoked_credentials_tokens_stop_at_once_and_two_credentials_rotate(mew, filed):
    reference = filed()
    old = mew  # its first credential and a token for it
    new = integrations.new_credential(old.agency)
    new_token = http().post("/token", data=GRANT, headers=basic(new.client_id, new.client_secret)).json()
    # Both credentials work side by side while the agency rotates.
    assert old.get(f"/applications/{reference}").status_code == 200
    bearer = {"Authorization": f"Bearer {new_token['access_token']}"}
    assert http().get(f"/applications/{reference}", headers=bearer).status_code == 200
    integrations.revoke_credential(old.credential.client_id)
    refused = old.get(f"/applications/{reference}")
    assert refused.status_code == 401 and refused.headers["Content-Type"] == "application/problem+json"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert refused.json()["code"] == "agency.token_invalid" and refused.json()["messages"]["ar"]
    again = http().post(
        "/token", data=GRANT, headers=basic(old.credential.client_id, old.credential.client_secret)
    )
    assert again.status_code == 401
    assert http().get(f"/applications/{reference}", headers=bearer).status_code == 200


def test_a_token_expires_after_900_seconds(mew, filed, monkeypatch):
    reference = filed()
    later = agency_services.now() + dt.timedelta(seconds=901)
    monkeypatch.setattr(agency_services, "now", lambda: later)
    assert mew.get(f"/applications/{reference}").status_code == 401


def test_calls_without_a_token_or_with_a_made_up_one_are_401_problems(filed):
    reference = filed()
    missing = http().get(f"/applications/{reference}", headers={"Accept-Language": "en"})
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == 'Bearer realm="sahl-agency"'
    assert missing.json()["code"] == "agency.token_missing"
    assert missing.json()["title"].startswith("This API is for agencies' systems")
    made_up = http().get(f"/applications/{reference}", headers={"Authorization": "Bearer made-up"})
    assert made_up.status_code == 401 and made_up.json()["code"] == "agency.token_invalid"
    assert http().post(f"/applications/{reference}/status", json={"status": "received"}).status_code == 401


def test_failed_client_logins_from_one_address_are_throttled(mew, clock):
    credential = integrations.new_credential(mew.agency)
    for _ in range(10):  # docs/agency-api.md: 10 failed client logins from one address in 15 minutes
        assert (
            http().post("/token", data=GRANT, headers=basic(credential.client_id, "guess")).status_code == 401
        )
    # Now even the right secret is refused from this address until the window ends.
    good = basic(credential.client_id, credential.client_secret)
    throttled = http().post("/token", data=GRANT, headers=good)
    assert throttled.status_code == 429 and 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert throttled.json()["error"] == "temporarily_unavailable"
    clock.advance(minutes=15, seconds=-1)
    assert http().post("/token", data=GRANT, headers=good).status_code == 429
    clock.advance(seconds=1)
    assert http().post("/token", data=GRANT, headers=good).status_code == 200


# --- Keys ------------------------------------------------------------------------------------------


def test_the_signing_keys_are_published_as_a_jwks_without_auth(mew):
    assert http().get("/keys/mew").json() == {"keys": []}  # not connected yet
    integrations.connect(mew.agency, "https://mew.example/sahl")
    first = integrations.public_keys("mew")[0]
    integrations.rotate_key(mew.agency)
    keys = http().get("/keys/mew").json()["keys"]
    assert len(keys) == 2 and keys[0] == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": first.public_raw,
        "kid": first.kid,
        "use": "sig",
        "alg": "EdDSA",
    }
    assert "private" not in json.dumps(keys) and "d" not in keys[0]
    assert http().get("/keys/nowhere").status_code == 404


# --- Reading ---------------------------------------------------------------------------------------


def test_another_agencys_application_answers_404_like_a_missing_one(moi, mew, filed):
    reference = filed()
    for path in (
        f"/applications/{reference}",
        f"/applications/{reference}/attachments/1",
        "/applications/2099-9999999",
    ):
        answer = moi.get(path)
        assert answer.status_code == 404 and answer.json()["code"] in (
            "application.not_found",
            "document.not_found",
        )
    assert moi.get(f"/applications/{reference}").json() == moi.get("/applications/2099-9999999").json()
    assert reference not in json.dumps(moi.get("/applications").json())
    write = moi.post(f"/applications/{reference}/decision", {"outcome": "approved"})
    assert write.status_code == 404 and state_of(reference) == "in_review"
    assert not IdempotentRequest.objects.filter(caller="agency:moi").exists()


def test_the_list_names_references_and_the_detail_carries_the_delivery_document_read_in_the_access_log(
    mew, filed, login, demo
):
    first, second, third = filed(), filed("final_departure"), filed("property_sale")
    page = mew.get("/applications", limit=2).json()
    assert [a["reference"] for a in page["items"]] == [first, second]  # oldest first
    assert page["next_after"] == second
    rest = mew.get("/applications", after=page["next_after"], limit=2).json()
    assert [a["reference"] for a in rest["items"]] == [third] and rest["next_after"] is None
    assert mew.get("/applications", state="completed").json()["items"] == []
    # A list names no one: references, the service, its state and dates.
    listed = page["items"][0]
    assert set(listed) == {"reference", "service", "service_version", "state", "submitted_at", "due_on"}
    assert demo["father"] not in json.dumps(page)
    detail = mew.get(f"/applications/{first}").json()
    assert detail["state"] == "in_review" and detail["service"] == CLEARANCE
    assert detail["subject"]["civil_id"] == demo["father"] and detail["subject"]["name"]["en"]
    assert detail["applicant"]["civil_id"] == demo["father"]
    assert detail["answers"] == {"clearance_for": "person", "purpose": "other"}
    assert detail["service_version"] >= 1 and detail["due_on"]
    assert {k: detail[k] for k in listed} == listed
    # Ahmad sees that the agency's system read the application it opened, and only that one.
    reads = login(demo["father"], "en").get("/api/v1/me/access-log").json()["reads"]
    assert [(r["application"], r["data"]) for r in reads] == [(first, "application")]
    page = login(demo["father"], "en").get("/account/access-log").content.decode()
    assert "Ministry of Electricity, Water and Renewable Energy system" in page and first in page
    system = next(r for r in reads if r["application"] == first)
    assert system["who"]["en"].endswith("system") and system["agency"]["en"].startswith(
        "Ministry of Electricity"
    )


def test_an_attachment_is_fetched_with_the_token_and_the_read_is_logged(mew, login, demo):
    """An application with a file: the person answers a request for information with a PDF."""
    father = login(demo["father"], "en")
    reference = reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))
    assert (
        mew.post(f"/applications/{reference}/information-requests", {"message": "Send the deed"}).status_code
        == 201
    )
    upload = SimpleUploadedFile("deed.pdf", PDF, content_type="application/pdf")
    answered = father.post(
        f"/api/v1/applications/{reference}/response", {"answer": "here", "document": upload}
    )
    assert answered.status_code == 200, answered.content
    listed = mew.get(f"/applications/{reference}").json()["attachments"]
    assert len(listed) == 1 and listed[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert listed[0]["url"].endswith(f"/api/v1/agency/applications/{reference}/attachments/{listed[0]['id']}")
    got = mew.get(f"/applications/{reference}/attachments/{listed[0]['id']}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert mew.get(f"/applications/{reference}/attachments/999999").status_code == 404
    reads = father.get("/api/v1/me/access-log").json()["reads"]
    assert any(r["application"] == reference and r["data"] == "attachment" for r in reads)


# --- Writing ---------------------------------------------------------------------------------------


def test_status_is_shown_to_the_person_and_the_state_stays_in_review(mew, filed, login, demo):
    reference = filed()
    answer = mew.post(
        f"/applications/{reference}/status", {"status": "received", "note": "Ref MEW-88"}, "s-1"
    )
    assert answer.status_code == 200
    assert answer.json() | {"due_on": None} == {
        "reference": reference,
        "state": "in_review",
        "category": "in_progress",
        "due_on": None,
        "status": "received",
        "note": "Ref MEW-88",
    }
    assert mew.post(f"/applications/{reference}/status", {"status": "in_progress"}, "s-2").status_code == 200
    events = Application.objects.get(reference=reference).history.filter(kind=HistoryEvent.Kind.AGENCY_UPDATE)
    assert [(e.note, e.actor_id) for e in events] == [("Ref MEW-88", None), ("", None)]
    mine = login(demo["father"], "en").get(f"/api/v1/applications/{reference}").json()
    assert mine["category"] == "in_progress"
    assert [e["note"] for e in mine["history"] if e["kind"] == "agency_update"] == ["Ref MEW-88", ""]
    page = login(demo["father"], "en").get(f"/applications/{reference}").content.decode()
    assert "The agency reported progress" in page and "Ref MEW-88" in page


def test_an_information_request_pauses_the_clock_the_person_answers_and_the_agency_decides(
    mew, filed, login, demo
):
    reference = filed()
    asked = mew.post(
        f"/applications/{reference}/information-requests",
        {"message": "Which meter?", "document": "meter_photo"},
        "i-1",
    )
    assert asked.status_code == 201 and asked.json()["state"] == "action_needed"
    assert asked.json()["category"] == "action_needed"
    request = InfoRequest.objects.get(application__reference=reference)
    assert request.requested_by is None and request.document_code == "meter_photo"
    assert Application.objects.get(reference=reference).paused_since is not None
    # Deciding while the person is asked is an illegal move: 409, nothing changes.
    early = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "d-0")
    assert early.status_code == 409 and early.json()["code"] == "application.illegal_transition"
    father = login(demo["father"], "en")
    assert (
        father.post(f"/api/v1/applications/{reference}/response", {"answer": "Meter 4471"}).status_code == 200
    )
    assert state_of(reference) == "in_review"
    decided = mew.post(
        f"/applications/{reference}/decision", {"outcome": "approved", "reason": "paid up"}, "d-1"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "completed"
    assert kinds(reference)[-5:] == [
        "info_requested",
        "info_provided",
        "approved",
        "document_issued",
        "completed",
    ]


def test_approval_issues_the_services_outputs_to_the_person(mew, filed, login, demo):
    reference = filed()
    decided = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"})
    assert decided.status_code == 200
    [document] = decided.json()["documents"]
    assert document["document"] == "mew_clearance" and document["verification_code"]
    mine = login(demo["father"], "en").get(f"/api/v1/applications/{reference}").json()
    assert mine["state"] == "completed" and mine["decision"]["outcome"] == "approved"
    assert [d["verification_code"] for d in mine["documents"]] == [document["verification_code"]]
    again = mew.post(f"/applications/{reference}/decision", {"outcome": "rejected", "reason": "no"}, "k-2")
    assert again.status_code == 409 and state_of(reference) == "completed"


def test_a_rejection_needs_a_reason_and_the_person_reads_it(mew, filed, login, demo):
    reference = filed()
    bare = mew.post(f"/applications/{reference}/decision", {"outcome": "rejected"}, "r-1")
    assert bare.status_code == 400 and bare.json()["code"] == "application.reason_required"
    assert bare.json()["messages"]["ar"] and state_of(reference) == "in_review"
    assert not IdempotentRequest.objects.filter(key="r-1").exists()  # refused: the key stays free
    rejected = mew.post(
        f"/applications/{reference}/decision", {"outcome": "rejected", "reason": "Unpaid bill 12"}, "r-1"
    )
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    mine = login(demo["father"], "en").get(f"/api/v1/applications/{reference}").json()
    assert mine["decision"] == mine["decision"] | {"outcome": "rejected", "reason": "Unpaid bill 12"}


def test_an_uploaded_document_reaches_the_person(mew, filed, login, demo):
    reference = filed()
    form = {"document": "mew_clearance", "title_ar": "شهادة براءة ذمة", "title_en": "Clearance certificate"}
    answer = mew.http.post(
        f"/applications/{reference}/documents",
        data=form,
        files={"file": ("certificate.pdf", PDF, "application/pdf")},
        headers=mew.headers("doc-1"),
    )
    assert answer.status_code == 201, answer.text
    issued = answer.json()["document"]
    assert issued["title"] == {"ar": "شهادة براءة ذمة", "en": "Clearance certificate"}
    stored = IssuedDocument.objects.get(pk=issued["id"])
    assert stored.holder_civil_id == demo["father"] and stored.pdf.read() == PDF
    father = login(demo["father"], "en")
    mine = father.get(f"/api/v1/applications/{reference}").json()
    [listed] = mine["documents"]
    assert listed["verification_code"] == issued["verification_code"]
    download = father.get(listed["download"])
    assert b"".join(download.streaming_content) == PDF
    assert kinds(reference)[-1] == "document_issued"


def test_a_document_is_checked_by_content_and_size(mew, filed, settings):
    reference = filed()
    form = {"document": "mew_clearance", "title_ar": "شهادة", "title_en": "Certificate"}

    def send(content: bytes, key: str, language: str = "en") -> httpx.Response:
        return mew.http.post(
            f"/applications/{reference}/documents",
            data=form,
            files={"file": ("certificate.pdf", content, "application/pdf")},
            headers=mew.headers(key, language),
        )

    png = send(PNG, "bad-1", "ar")
    assert png.status_code == 400 and png.json()["code"] == "file.wrong_type" and "PDF" in png.json()["title"]
    settings.SAHL_MAX_UPLOAD_BYTES = 1024  # a small limit stands in for 10 MB
    big = send(PDF + b"0" * 2048, "bad-2")
    assert big.status_code == 400 and big.json()["code"] == "file.too_large"
    missing = mew.http.post(f"/applications/{reference}/documents", data=form, headers=mew.headers("bad-3"))
    assert missing.status_code == 400 and missing.json()["code"] == "agency.file_required"
    assert not IssuedDocument.objects.filter(application__reference=reference).exists()


def test_an_idempotent_replay_answers_the_same_and_does_nothing_twice(mew, filed):
    reference = filed()
    body = {"status": "in_progress", "note": "Checking the meter"}
    first = mew.post(f"/applications/{reference}/status", body, "same-key")
    second = mew.post(f"/applications/{reference}/status", body, "same-key")
    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert kinds(reference).count("agency_update") == 1
    decided = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "decide-1")
    replayed = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "decide-1")
    assert replayed.status_code == 200 and replayed.json() == decided.json()  # not a 409: nothing done again
    assert IssuedDocument.objects.filter(application__reference=reference).count() == 1


def test_the_same_key_with_a_different_body_is_a_409(mew, filed):
    reference = filed()
    assert mew.post(f"/applications/{reference}/status", {"status": "received"}, "key-x").status_code == 200
    other = mew.post(f"/applications/{reference}/status", {"status": "in_progress"}, "key-x")
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"
    elsewhere = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "key-x")
    assert elsewhere.status_code == 409 and state_of(reference) == "in_review"
    assert kinds(reference).count("agency_update") == 1


def test_a_write_without_an_idempotency_key_is_a_400_problem(mew, filed):
    reference = filed()
    missing = mew.post(f"/applications/{reference}/status", {"status": "received"}, key=None)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency.missing"
    too_long = mew.post(f"/applications/{reference}/status", {"status": "received"}, key="k" * 81)
    assert too_long.status_code == 400 and "80" in too_long.json()["messages"]["en"]
    assert "agency_update" not in kinds(reference)


def test_moi_updates_a_vehicle_record_and_mew_is_refused(moi, mew, demo):
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).first().plate
    until = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    answer = moi.post(f"/registers/vehicles/{plate}", {"registration_expiry": until}, "v-1")
    assert answer.status_code == 200
    assert answer.json()["plate"] == plate and answer.json()["registration_expiry"] == until
    assert Vehicle.objects.get(plate=plate).registration_expiry.isoformat() == until
    refused = mew.post(f"/registers/vehicles/{plate}", {"registration_expiry": "2030-01-01"}, "v-1")
    assert refused.status_code == 403 and refused.json()["code"] == "agency.register_not_owner"
    assert refused.json()["messages"]["ar"]
    assert Vehicle.objects.get(plate=plate).registration_expiry.isoformat() == until
    assert moi.post("/registers/vehicles/00-00000", {"registration_expiry": until}, "v-2").status_code == 404
    nothing = moi.post(f"/registers/vehicles/{plate}", {}, "v-3")
    assert nothing.status_code == 400 and nothing.json()["code"] == "agency.nothing_to_change"


def test_bad_json_and_bodies_outside_the_schema_are_400_problems_in_both_languages(mew, filed):
    reference = filed()
    garbage = mew.http.post(
        f"/applications/{reference}/status",
        content=b"{not json",
        headers=mew.headers("g-1") | {"Content-Type": "application/json"},
    )
    assert garbage.status_code == 400 and garbage.headers["Content-Type"] == "application/problem+json"
    assert garbage.json()["messages"] == {"ar": "الطلب غير صحيح.", "en": "The request is not valid."}
    for body in ({"status": "finished"}, {"note": "no status"}, {"outcome": "maybe"}):
        wrong = mew.post(f"/applications/{reference}/status", body, "g-2", language="ar")
        assert wrong.status_code == 400 and wrong.json()["title"] == "الطلب غير صحيح."
        assert wrong.json()["errors"] and wrong.json()["messages"]["en"]
    bad_state = mew.get("/applications", state="nonsense")
    assert bad_state.status_code == 400 and bad_state.json()["code"] == "request.bad"
    assert (
        kinds(reference).count("agency_update") == 0
        and not IdempotentRequest.objects.filter(caller="agency:mew").exists()
    )


def test_the_openapi_document_describes_the_agency_api():
    spec = (
        httpx.Client(transport=DjangoTransport(), base_url="http://testserver")
        .get("/api/v1/openapi.json")
        .json()
    )
    paths = spec["paths"]
    for path in (
        "/api/v1/agency/token",
        "/api/v1/agency/keys/{agency}",
        "/api/v1/agency/applications",
        "/api/v1/agency/applications/{reference}",
        "/api/v1/agency/applications/{reference}/attachments/{attachment_id}",
        "/api/v1/agency/applications/{reference}/status",
        "/api/v1/agency/applications/{reference}/information-requests",
        "/api/v1/agency/applications/{reference}/decision",
        "/api/v1/agency/applications/{reference}/documents",
        "/api/v1/agency/registers/vehicles/{plate}",
    ):
        assert path in paths, path
        assert all("agency" in op["tags"] for op in paths[path].values())
    schemes = spec["components"]["securitySchemes"]
    assert schemes["AgencyToken"] == schemes["AgencyToken"] | {"type": "http", "scheme": "bearer"}
    decision = paths["/api/v1/agency/applications/{reference}/decision"]["post"]
    assert decision["security"] == [{"AgencyToken": []}]
    key = next(p for p in decision["parameters"] if p.get("name") == "Idempotency-Key")
    assert key["in"] == "header" and key["required"] is True
    assert decision["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("DecisionIn")
    assert decision["responses"]["409"]["content"]["application/problem+json"]["schema"]["$ref"].endswith(
        "/Problem"
    )
    token = paths["/api/v1/agency/token"]["post"]
    assert token["security"] == [{"AgencyClient": []}, {}]  # HTTP Basic, or both in the form body
    assert schemes["AgencyClient"]["scheme"] == "basic"
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    upload = paths["/api/v1/agency/applications/{reference}/documents"]["post"]["requestBody"]["content"]
    required = upload["multipart/form-data"]["schema"]["required"]
    assert sorted(required) == ["document", "file", "title_ar", "title_en"]
    assert "security" not in paths["/api/v1/agency/keys/{agency}"]["get"]


def test_a_write_that_fails_half_way_leaves_nothing_done_and_no_key(mew, filed, monkeypatch):
    """The change, its history and its Idempotency-Key commit together or not at all."""
    reference = filed()

    def crash(application):
        raise RuntimeError("the process died after the decision was made")

    monkeypatch.setattr(agency_services, "_summary", crash)
    with pytest.raises(RuntimeError):
        mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "crash-1")
    assert state_of(reference) == "in_review" and "approved" not in kinds(reference)
    assert not IssuedDocument.objects.filter(application__reference=reference).exists()
    assert not IdempotentRequest.objects.filter(key="crash-1").exists()
    monkeypatch.undo()
    again = mew.post(f"/applications/{reference}/decision", {"outcome": "approved"}, "crash-1")
    assert again.status_code == 200 and again.json()["state"] == "completed"


def test_the_application_read_through_the_api_is_the_one_delivered(mew, filed):
    """GET …/applications/{reference} is the delivery body's `application` plus `state`."""
    integrations.connect(mew.agency, "https://mew.example/sahl")
    reference = filed()
    run_tasks()  # integrations hears the application reached MEW and puts it in the outbox
    delivery = Delivery.objects.get(topic=f"application:{reference}", channel="agency")
    application_id = delivery.payload["application_id"]
    delivered = integrations.payload(application_id, str(delivery.key), delivery.created_at)["application"]
    read = mew.get(f"/applications/{reference}").json()
    assert set(read) == set(delivered) | {"state"} and read["state"] == "in_review"
    at = read.pop("submitted_at"), delivered.pop("submitted_at")
    # To the second, in Kuwait time (the delivery may carry the same instant with microseconds).
    assert at[0].endswith("+03:00") and len(at[0]) == len("2026-12-01T10:14:58+03:00")
    assert dt.datetime.fromisoformat(at[0]) == dt.datetime.fromisoformat(at[1]).replace(microsecond=0)
    assert read.pop("state") and read == delivered


def test_moh_records_a_birth_and_the_newborn_journey_starts_once(db, demo):
    from sahl.journeys.models import Journey
    from sahl.journeys.publishing import load_journeys
    from sahl.registry.models import Person
    from tests.integration.conftest import run_tasks

    load_journeys()
    moh, moi = System("moh"), System("moi")
    birth = {
        "notification_number": "B-2026-42",
        "hospital": "adan",
        "mother_civil_id": demo["mother"],
        "father_civil_id": demo["father"],
        "name_ar": "يوسف أحمد المطيري",
        "name_en": "Yousef Ahmad Al-Mutairi",
        "sex": "M",
        "birth_date": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
    }
    answer = moh.post("/registers/births", birth, "b-1")
    assert answer.status_code == 201, answer.text
    child = answer.json()["child_civil_id"]
    assert Person.objects.get(civil_id=child).father.civil_id == demo["father"]
    again = moh.post("/registers/births", birth, "b-1")
    assert again.status_code == 201 and again.json() == answer.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other_key = moh.post("/registers/births", birth, "b-2")  # the same notification, resent
    assert other_key.json()["child_civil_id"] == child
    run_tasks()
    assert Journey.objects.filter(code="newborn", record=answer.json()["record"]).count() == 1

    refused = moi.post("/registers/births", birth | {"notification_number": "B-2026-43"}, "b-3")
    assert refused.status_code == 403 and refused.json()["code"] == "agency.register_not_owner"
    unknown = moh.post(
        "/registers/births",
        birth | {"notification_number": "B-2026-44", "mother_civil_id": "290010112345"},
        "b-4",
        language="ar",
    )
    assert unknown.status_code == 409 and unknown.json()["code"] == "register.parent_unknown"
    assert "سجل السكان" in unknown.json()["title"]
    bad = moh.post(
        "/registers/births", birth | {"notification_number": "B-2026-45", "hospital": "moon"}, "b-5"
    )
    assert bad.status_code == 400
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    later = moh.post(
        "/registers/births", birth | {"notification_number": "B-2026-46", "birth_date": future}, "b-6"
    )
    assert later.status_code == 400 and later.json()["code"] == "register.birth_date"
    assert Person.objects.filter(name_en="Yousef Ahmad Al-Mutairi").count() == 1


def test_moj_records_a_marriage_and_the_married_journey_starts(db, demo):
    from sahl.journeys.models import Journey
    from sahl.journeys.publishing import load_journeys
    from sahl.registry.models import Person
    from tests.integration.conftest import run_tasks

    load_journeys()
    moj = System("moj")
    husband = Person.objects.filter(
        sex="M", marital_status="single", birth_date__lt=dt.date(1998, 1, 1)
    ).first()
    wife = Person.objects.filter(sex="F", marital_status="single", birth_date__lt=dt.date(1998, 1, 1)).first()
    body = {
        "contract_number": "MC-77",
        "husband_civil_id": husband.civil_id,
        "wife_civil_id": wife.civil_id,
        "married_on": dt.date.today().isoformat(),
    }
    answer = moj.post("/registers/marriages", body, "m-1")
    assert answer.status_code == 201, answer.text
    assert Person.objects.get(pk=husband.pk).marital_status == "married"
    swapped = moj.post(
        "/registers/marriages",
        body
        | {"contract_number": "MC-78", "husband_civil_id": wife.civil_id, "wife_civil_id": husband.civil_id},
        "m-2",
    )
    assert swapped.status_code == 409 and swapped.json()["code"] == "register.spouse_unknown"
    run_tasks()
    journey = Journey.objects.get(code="married", record=answer.json()["record"])
    assert set(journey.members.values_list("civil_id", flat=True)) == {husband.civil_id, wife.civil_id}
