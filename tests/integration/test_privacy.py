"""My data: the export of everything Sahl holds about a person (JSON, sahl-personal-data/1), the
consents they gave, the audit entry each export leaves, and logs that never carry secrets."""

from __future__ import annotations

import io
import json
import logging
import re

import httpx
import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.audit.models import AuditEntry
from sahl.core.logs import JsonFormatter, RequestIdFilter
from sahl.identity.models import User
from sahl.privacy import services as privacy
from sahl.registry.models import Passport, Vehicle
from sahl.wallet.jose import parse, public_jwk, thumbprint
from sahl.wallet.models import Credential, Offer
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import (
    DjangoTransport,
    apply,
    paid,
    proof_of_payment,
    reference_of,
    run_tasks,
    send_notice,
    sms_code_for,
    totp_now,
)
from tests.integration.test_wallet import ISSUER, new_licence, offer_for
from tests.oid4vci_client import Wallet

pytestmark = pytest.mark.django_db

SALE = "moi.vehicle-ownership-transfer"


def passport_renewal(client: Client, civil_id: str) -> str:
    passport = Passport.objects.filter(holder__civil_id=civil_id).first()
    assert passport is not None
    return paid(
        client,
        apply(client, "moi.passport-renewal", {"passport_number": passport.number, "delivery": "kiosk"}),
    )


@pytest.fixture
def sale(login, demo):
    """The father sells his car to the expatriate, who agrees; the father also renews his passport."""
    father = login(demo["father"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    reference = reference_of(
        apply(
            father,
            SALE,
            {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "certified_cheque"},
            proof_of_payment(),
        )
    )
    buyer = login(demo["expat"], "en")
    assert buyer.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 302
    passport = passport_renewal(father, demo["father"])
    run_tasks()  # the worker writes the messages about each step
    return {"father": father, "buyer": buyer, "sale": reference, "passport": passport, "plate": plate}


def export_of(client: Client) -> dict:
    response = client.get("/account/my-data.json")
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def by_reference(data: dict) -> dict[str, dict]:
    return {row["reference"]: row for row in data["sections"]["applications"]}


# --- What the export holds ---------------------------------------------------------------------


def test_the_download_is_a_dated_json_attachment_that_is_never_cached(login, demo):
    response = login(demo["father"]).get("/account/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="sahl-my-data-{today}.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["format"] == "sahl-personal-data/1"
    assert data["civil_id"] == demo["father"]
    assert list(data["sections"]) == [section.key for section in privacy.sections()]


def test_the_export_holds_the_persons_applications_records_and_consents(demo, sale):
    data = export_of(sale["father"])
    sections = data["sections"]
    account = sections["account"]
    assert account["civil_id"] == demo["father"] and account["name"]["en"] == "Ahmad Khalid Al-Mutairi"

    registers = sections["registers"]
    assert registers["person"]["civil_id"] == demo["father"]
    assert sale["plate"] in [v["plate"] for v in registers["vehicles"]]
    assert registers["passports"] and registers["children"]  # the newborn
    assert {p["relation"] for p in registers["parents"]} <= {"father", "mother"}
    assert [m["spouse"]["civil_id"] for m in registers["marriages"]] == [demo["mother"]]

    applications = by_reference(data)
    assert {sale["sale"], sale["passport"]} <= set(applications)
    transfer = applications[sale["sale"]]
    assert transfer["you_are"] == ["applicant", "subject", "seller"]
    answers = {a["field"]: a["value"] for a in transfer["case"]["answers"]}
    assert answers["plate_number"] == sale["plate"] and answers["payment_method"] == "certified_cheque"
    assert {a["field"]: a["title"]["en"] for a in transfer["case"]["answers"]}["plate_number"] == "Vehicle"
    assert {p["role"]: p["consent"] for p in transfer["parties"]} == {"seller": "given", "buyer": "given"}
    assert [e["kind"] for e in transfer["case"]["history"]][:2] == ["submitted", "consent_given"]
    assert "another_person" in {e["by"] for e in transfer["case"]["history"]}  # the buyer agreed
    passport = applications[sale["passport"]]
    assert passport["state"] == "in_review" and passport["state_text"]["en"] == "In review at the agency"
    [payment] = passport["case"]["payments"]
    assert payment["state"] == "paid" and payment["amount"] == "5.000" and payment["currency"] == "KWD"
    assert payment["receipt"] == f"/applications/{sale['passport']}/receipts/{_receipt_id(payment)}"
    assert sale["father"].get(payment["receipt"]).status_code == 200  # the path is a working download

    consents = sections["consents"]["parties"]
    assert consents[0]["reference"] == sale["sale"]  # newest first
    assert consents[0]["role"] == "seller" and consents[0]["answer"] == "given"
    assert {c["role"] for c in consents[1:]} <= {"attorney"}  # the demo's power of attorney, if any
    assert sections["consents"]["channels"]["email"] == {"opted_in": False, "address": ""}

    messages = sections["messages"]
    assert sale["passport"] in {m["application"] for m in messages}
    assert any(e["kind"] == "login" for e in sections["audit"])


def _receipt_id(payment: dict) -> str:
    return payment["receipt"].rsplit("/", 1)[1]


def test_a_buyer_gets_their_party_row_and_consent_but_not_the_sellers_answers(demo, sale):
    data = export_of(sale["buyer"])
    text = json.dumps(data, ensure_ascii=False)
    applications = by_reference(data)
    transfer = applications[sale["sale"]]
    assert transfer["you_are"] == ["buyer"]
    assert transfer["case"] is None  # no answers, history, attachments or payments of the seller
    assert transfer["parties"] == [
        {
            "role": "buyer",
            "civil_id": demo["expat"],
            "consent": "given",
            "responded_at": transfer["parties"][0]["responded_at"],
        }
    ]
    assert transfer["service"]["code"] == SALE and transfer["state"] == "awaiting_payment"
    assert "certified_cheque" not in text  # the seller's answer
    assert sale["passport"] not in text  # the seller's other application
    assert demo["father"] not in text  # nor the seller's civil ID

    [consent] = data["sections"]["consents"]["parties"]
    assert consent == {
        "reference": sale["sale"],
        "service": {"code": SALE, "name": {"ar": "نقل ملكية مركبة", "en": "Vehicle ownership transfer"}},
        "role": "buyer",
        "role_name": {"ar": "المشتري", "en": "Buyer"},
        "answer": "given",
        "at": consent["at"],
    }
    assert consent["at"] is not None


def test_another_persons_application_is_absent(login, demo, sale):
    """The expatriate renews his own car: the father's export knows nothing of it."""
    expat = login(demo["expat"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["expat"]).order_by("plate").first().plate
    theirs = reference_of(apply(expat, "moi.vehicle-registration-renewal", {"plate_number": plate}))
    father = export_of(sale["father"])
    assert theirs not in json.dumps(father)
    assert plate not in json.dumps(father)
    assert theirs in by_reference(export_of(expat))


def test_a_declined_consent_is_listed_as_declined(login, demo):
    father = login(demo["father"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    reference = reference_of(
        apply(
            father,
            SALE,
            {"plate_number": plate, "buyer_civil_id": demo["owner"], "payment_method": "bank_transfer"},
            proof_of_payment(),
        )
    )
    owner = login(demo["owner"], "en")
    owner.post(f"/applications/{reference}/consent", {"agree": "no"})
    [consent] = owner.get("/api/v1/me/consents").json()["parties"]
    assert consent["reference"] == reference and consent["answer"] == "declined"
    page = owner.get("/account/my-data").content.decode()
    assert "You declined" in page and reference in page


# --- Hawiyati (wallet) ------------------------------------------------------------------------


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


def credentials_of(data: dict) -> dict[str, dict]:
    return {
        (c["verification_code"], c["configuration"]): c for c in data["sections"]["wallet"]["credentials"]
    }


def test_the_export_lists_the_persons_credentials_and_offers_but_never_their_codes(login, demo, http):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    made = offer_for(father, licence)
    wallet = Wallet(http)
    received = wallet.receive(made["credential_offer_uri"], made["tx_code"])
    configurations = ["driving_licence", "driving_licence_qr_id", "driving_licence_qr_age"]
    kid = parse(received["driving_licence"].split("~")[0], "dc+sd-jwt").header["kid"]

    data = export_of(father)
    section = data["sections"]["wallet"]
    assert [c["configuration"] for c in section["credentials"]] == configurations
    for credential in section["credentials"]:
        assert credential["verification_code"] == licence.verification_code
        assert credential["status"] == "valid" and credential["kid"] == kid
        assert credential["holder_thumbprint"] == thumbprint(public_jwk(wallet.key.public_key()))
        assert credential["issued_at"] < credential["expires_at"]
    [offer] = section["offers"]
    assert offer["configurations"] == configurations
    assert offer["created_at"] < offer["expires_at"] and offer["redeemed_at"] is not None

    # Replaced, the old licence's credentials are revoked; the new one's, suspended; an offer not used.
    replacement = new_licence(father, demo["father"])
    made_again = offer_for(father, replacement)
    wallet.receive(made_again["credential_offer_uri"], made_again["tx_code"])
    waiting = offer_for(father, replacement)
    call_command("document_status", replacement.verification_code, "suspend", stdout=None)
    response = father.get("/account/my-data.json")
    text = response.content.decode()
    data = json.loads(text)
    states = {key: c["status"] for key, c in credentials_of(data).items()}
    assert states == {
        **{(licence.verification_code, c): "revoked" for c in configurations},
        **{(replacement.verification_code, c): "suspended" for c in configurations},
    }
    api = father.get("/api/v1/me/data")  # the API checks the rows against the documented format
    assert api.status_code == 200 and api.json()["sections"]["wallet"] == data["sections"]["wallet"]
    offers = data["sections"]["wallet"]["offers"]
    assert len(offers) == 3 and [o["redeemed_at"] is None for o in offers] == [False, False, True]

    # Never a code: not the pre-authorized codes, the transaction codes, nor their hashes.
    codes = [
        wallet.parse_offer(m["credential_offer_uri"])["grants"][
            "urn:ietf:params:oauth:grant-type:pre-authorized_code"
        ]["pre-authorized_code"]
        for m in (made, made_again, waiting)
    ]
    hashes = [h for o in Offer.objects.all() for h in (o.code_sha256, o.tx_code_sha256)]
    assert len(hashes) == 6 and [h for h in [*codes, *hashes] if h in text] == []
    assert all(f'"{m["tx_code"]}"' not in text for m in (made, made_again, waiting))
    assert all(credential.split("~")[0] not in text for credential in received.values())


def test_another_persons_credentials_and_offers_are_absent(login, demo, http):
    father = login(demo["father"], "en")
    expat = login(demo["expat"], "en")
    mine = new_licence(father, demo["father"])
    made = offer_for(father, mine)
    Wallet(http).receive(made["credential_offer_uri"], made["tx_code"])
    theirs = new_licence(expat, demo["expat"])
    made = offer_for(expat, theirs)
    their_wallet = Wallet(http)
    their_wallet.receive(made["credential_offer_uri"], made["tx_code"])
    offer_for(expat, theirs)  # and one they have not used
    their_thumbprint = thumbprint(public_jwk(their_wallet.key.public_key()))

    father_text = json.dumps(export_of(father))
    section = json.loads(father_text)["sections"]["wallet"]
    assert {c["verification_code"] for c in section["credentials"]} == {mine.verification_code}
    assert len(section["credentials"]) == 3 and len(section["offers"]) == 1
    assert theirs.verification_code not in father_text and their_thumbprint not in father_text

    their_section = export_of(expat)["sections"]["wallet"]
    assert {c["verification_code"] for c in their_section["credentials"]} == {theirs.verification_code}
    assert {c["holder_thumbprint"] for c in their_section["credentials"]} == {their_thumbprint}
    assert len(their_section["offers"]) == 2
    assert Credential.objects.count() == 6 and Offer.objects.count() == 3  # all of them exist


def test_a_person_without_credentials_has_an_empty_wallet_section(login, demo):
    data = export_of(login(demo["fines"], "en"))
    assert data["sections"]["wallet"] == {"credentials": [], "offers": []}


# --- No secrets -------------------------------------------------------------------------------------


def test_the_export_carries_no_password_hash_and_no_second_factor_secret(login, demo):
    owner = login(demo["owner"], "en")
    response = owner.get("/account/my-data.json")
    text = response.content.decode()
    data = json.loads(text)
    factors = data["sections"]["account"]["second_factors"]
    assert [f["type"] for f in factors] == ["totp"] and factors[0]["created_at"]
    assert set(factors[0]) == {"type", "name", "phone", "created_at", "last_used_at"}
    user = User.objects.get(civil_id=demo["owner"])
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=user, type="totp").data
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" not in text
    assert all(str(value) not in text for value in stored.values())
    assert user.password not in text and "argon2" not in text and "password" not in text
    assert owner.cookies["sessionid"].value not in text


def test_an_sms_second_factor_is_listed_with_its_number_but_never_a_code(login, demo):
    from sahl.identity.models import SmsCode

    operator = login(demo["operator"], "en")  # a code by SMS at login
    text = operator.get("/account/my-data.json").content.decode()
    factors = json.loads(text)["sections"]["account"]["second_factors"]
    assert [(f["type"], f["phone"]) for f in factors] == [("sms", "+96590000115")]
    codes = list(SmsCode.objects.filter(user__civil_id=demo["operator"]))
    assert codes and all(c.digest not in text and c.salt not in text for c in codes)


# --- Page, API, audit --------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_and_the_api_answers_401(client):
    for path in ("/account/my-data", "/account/my-data.json"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me/data").status_code == 401
    assert client.get("/api/v1/me/consents").status_code == 401
    assert not AuditEntry.objects.filter(kind="data_exported").exists()


def test_the_page_explains_and_lists_consents_and_channels_in_both_languages(login, demo, sale):
    buyer_ar = login(demo["expat"])
    page = buyer_ar.get("/account/my-data").content.decode()
    assert "بياناتي" in page and "تنزيل بياناتي (\u2066JSON\u2069)" in page  # the format's name isolated
    assert 'href="/account/my-data.json"' in page
    assert "نقل ملكية مركبة" in page and sale["sale"] in page and "المشتري" in page and "وافقت" in page
    english = sale["buyer"].get("/account/my-data").content.decode()
    assert "Download my data (JSON)" in english and "Consents you gave" in english
    assert "Vehicle ownership transfer" in english and "Buyer" in english and "You agreed" in english
    assert 'href="/account/my-data"' in english  # the header links to it
    assert "هويتي: المستندات الصادرة إلى محافظك الرقمية" in page
    assert "Hawiyati: the documents issued to your digital wallets" in english
    nobody = login(demo["fines"], "en").get("/account/my-data").content.decode()
    assert "You have not answered any request for your consent." in nobody


def test_channels_opted_in_show_on_the_page_and_in_the_api(login, demo):
    father = login(demo["father"], "en")
    saved = father.post(
        "/account/notifications",
        {"email": "ahmad@example.com", "phone": "+96550001234", "notify_by_email": "1", "language": "en"},
    )
    assert saved.status_code == 302
    channels = father.get("/api/v1/me/consents").json()["channels"]
    assert channels == {
        "email": {"opted_in": True, "address": "ahmad@example.com"},
        "sms": {"opted_in": False, "address": "+96550001234"},
    }
    page = father.get("/account/my-data").content.decode()
    assert "ahmad@example.com" in page and "+96550001234" not in page  # SMS is off


def test_each_export_is_recorded_and_shown_among_the_security_events(login, demo):
    father = login(demo["father"], "en")
    father.get("/account/my-data.json")
    api = father.get("/api/v1/me/data")
    assert api.status_code == 200 and api["Cache-Control"] == "no-store"
    entries = AuditEntry.objects.filter(kind="data_exported", subject_civil_id=demo["father"]).order_by(
        "sequence"
    )
    assert [(e.actor_civil_id, e.detail, e.source) for e in entries] == [
        (demo["father"], "page", "127.0.0.0/24"),
        (demo["father"], "api", "127.0.0.0/24"),
    ]
    assert "Copy of your data downloaded" in father.get("/account/access-log").content.decode()
    security = father.get("/api/v1/me/access-log").json()["security"]
    assert [s["kind"] for s in security][:2] == ["data_exported", "data_exported"]
    # The export lists its own entry: the person sees they downloaded it.
    assert api.json()["sections"]["audit"][-1]["kind"] == "data_exported"


def test_the_page_itself_records_nothing(login, demo):
    login(demo["father"]).get("/account/my-data")
    assert not AuditEntry.objects.filter(kind="data_exported").exists()


def test_the_api_gives_the_same_document_as_the_download_and_matches_its_openapi_schema(client, demo, sale):
    father = sale["father"]
    api = father.get("/api/v1/me/data").json()
    page = export_of(father)
    assert by_reference(api).keys() == by_reference(page).keys()
    assert api["sections"]["registers"] == page["sections"]["registers"]
    assert api["sections"]["account"] == page["sections"]["account"]
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    operation = document["paths"]["/api/v1/me/data"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Export"
    }
    assert set(schemas["Sections"]["properties"]) == {section.key for section in privacy.sections()}
    for data in (api, page):
        jsonschema.validate(data, {"$ref": "#/components/schemas/Export", "components": {"schemas": schemas}})
    consents = document["paths"]["/api/v1/me/consents"]["get"]
    assert consents["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Consents"
    }


# --- A fixed number of queries ------------------------------------------------------------------------


def queries_of(person: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        privacy.export(person)
    return len(queries)


def notice(caseworker: Client, civil_id: str, n: int) -> None:
    sent = send_notice(caseworker, {"civil_id": civil_id, "subject": f"s{n}", "body": "b"})
    assert sent.status_code == 302


def wallet_rows(person: Client, civil_id: str, http: httpx.Client) -> None:
    """A new licence, an offer a wallet redeems (three credentials) and an offer left unused."""
    licence = new_licence(person, civil_id)
    made = offer_for(person, licence)
    Wallet(http).receive(made["credential_offer_uri"], made["tx_code"])
    offer_for(person, licence)


def test_the_export_runs_a_fixed_number_of_queries(login, demo, sale, http, django_assert_max_num_queries):
    """Each person has a bit of everything (their own applications with payments, one of someone
    else's as a party, messages, a notice, audit entries, credentials and credential offers); then
    more of everything: same count."""
    father, expat = sale["father"], sale["buyer"]
    wallet_rows(father, demo["father"], http)
    wallet_rows(expat, demo["expat"], http)
    theirs = reference_of(
        apply(
            expat,
            SALE,
            {"plate_number": "45-20002", "buyer_civil_id": demo["father"], "payment_method": "bank_transfer"},
            proof_of_payment(),
        )
    )
    assert father.post(f"/applications/{theirs}/consent", {"agree": "yes"}).status_code == 302
    caseworker = login(demo["caseworker"], "en")
    notice(caseworker, demo["father"], 0)
    notice(caseworker, demo["expat"], 0)
    run_tasks()
    people = [User.objects.get(civil_id=demo[key]) for key in ("father", "expat")]
    before = [queries_of(person) for person in people]

    father.post(
        "/account/notifications", {"email": "a@example.com", "notify_by_email": "1", "language": "en"}
    )
    paid(father, apply(father, "moi.vehicle-registration-renewal", {"plate_number": sale["plate"]}))
    for n in range(1, 4):
        notice(caseworker, demo["father"], n)
        notice(caseworker, demo["expat"], n)
    wallet_rows(father, demo["father"], http)  # the first licence's credentials are revoked
    wallet_rows(expat, demo["expat"], http)
    run_tasks()  # more messages, and the e-mails of the father's
    login(demo["father"])
    login(demo["expat"])
    expat.get("/account/my-data.json")
    assert Credential.objects.filter(status=Credential.Status.REVOKED).count() == 6
    assert [queries_of(person) for person in people] == before
    assert before[0] == EXPECTED  # the father has rows of every kind
    with django_assert_max_num_queries(EXPECTED + DOWNLOAD_EXTRA):
        assert father.get("/account/my-data.json").status_code == 200


# account 3, registers 9, applications 8 (the applicant's, with payments and their events) + 3 (as a
# party), messages 2, notices 1, audit 1, consents 1, mandates 1, wallet 2 (credentials with their
# documents' codes and keys' kids, offers).
EXPECTED = 31
# The request around it: session, user, and the audit entry (two savepoints and their releases, lock the
# head, insert, move the head).
DOWNLOAD_EXTRA = 9


# --- Logs ------------------------------------------------------------------------------------------------


@pytest.fixture
def json_logs():
    """Everything logged while the test runs, as the JSON lines the console handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_logs_never_carry_passwords_one_time_codes_session_ids_or_civil_ids(demo, json_logs):
    father = Client()
    assert (
        father.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD}).status_code
        == 302
    )
    passport = Passport.objects.filter(holder__civil_id=demo["father"]).first().number
    reference = passport_renewal(father, demo["father"])
    run_tasks()  # what the worker logs (messages about the application) counts too
    assert father.get("/account/my-data.json").status_code == 200
    Client().post("/accounts/login/", {"login": demo["mother"], "password": "wrong-Password-77"})
    owner = Client()
    to_code = owner.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})
    code = totp_now(demo["owner"])
    assert owner.post(to_code["Location"], {"code": code}).status_code == 302
    assert owner.get("/api/v1/me/data").status_code == 200
    operator = Client()
    to_sms = operator.post("/accounts/login/", {"login": demo["operator"], "password": DEMO_PASSWORD})
    sms_code = sms_code_for(demo["operator"])
    assert operator.post(to_sms["Location"], {"code": sms_code}).status_code == 302

    text = json_logs.getvalue()
    lines = text.splitlines()
    assert len(lines) > 10 and all(json.loads(line) for line in lines)  # one JSON object per line
    assert reference in text  # the logs do say what happened (the application's page)
    secrets = {
        "password": DEMO_PASSWORD,
        "wrong password": "wrong-Password-77",
        "father's session": father.cookies["sessionid"].value,
        "owner's session": owner.cookies["sessionid"].value,
        "father's civil ID": demo["father"],
        "mother's civil ID": demo["mother"],
        "owner's civil ID": demo["owner"],
        "operator's session": operator.cookies["sessionid"].value,
        "operator's civil ID": demo["operator"],
        "operator's mobile": "+96590000115",
        "passport number": passport,
    }
    assert [name for name, value in secrets.items() if value in text] == []
    for one_time in (code, sms_code):
        assert not re.search(rf"(?<![0-9]){one_time}(?![0-9])", text), "a one-time code is in the logs"
    assert re.search(r"\*+" + demo["father"][-4:], text)  # masked civil IDs are fine
