"""Hawiyati holds who you are from day one: the civil ID from the population register, and the
driving licence, passport and vehicle registrations the registers certify, offered from the first
visit and kept in step with the registers (a renewal replaces, a cancellation revokes)."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.applications.models import Application
from sahl.registry import models as m
from sahl.wallet import sdjwt
from sahl.wallet.jose import parse
from sahl.wallet.models import Credential, RegisterCopy
from tests.integration.conftest import DjangoTransport, apply, paid, reference_of
from tests.integration.test_wallet import csrf
from tests.oid4vci_client import Wallet

pytestmark = pytest.mark.django_db
ISSUER = "http://localhost:8000"


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


def listed(person) -> list[dict]:
    response = person.get("/api/v1/wallet/documents")
    assert response.status_code == 200, response.content
    return response.json()


def from_register(person, document: str) -> dict:
    [found] = [d for d in listed(person) if d["source"] == "register" and d["document"] == document]
    return found


def receive(http: httpx.Client, person, document: dict) -> tuple[Wallet, dict[str, str]]:
    made = person.post(
        "/api/v1/wallet/offers",
        {"document": document["id"], "source": document["source"]},
        content_type="application/json",
        **csrf(person),
    )
    assert made.status_code == 201, made.content
    wallet = Wallet(http)
    return wallet, wallet.receive(made.json()["credential_offer_uri"], made.json()["tx_code"])


def show(wallet: Wallet, credential: str, keep: list[str]) -> str:
    now = int(time.time())
    return sdjwt.present(credential, keep, wallet.key, "https://verifier.example", "n-1", now)


def verify(http: httpx.Client, presentation: str) -> dict:
    body = {"presentation": presentation, "audience": "https://verifier.example", "nonce": "n-1"}
    return http.post("/api/v1/wallet/verify", json=body, headers={"Accept-Language": "en"}).json()


def test_a_first_visit_finds_the_civil_id_and_the_registers_documents(login, demo, http):
    father = login(demo["father"], "en")
    documents = [(d["source"], d["document"], d["verification_code"], d["state"]) for d in listed(father)]
    assert documents == [
        ("register", "civil_id", demo["father"], "valid"),
        ("register", "driving_licence", f"DL{demo['father']}", "valid"),
        ("register", "passport", f"K{demo['father'][-8:]}", "valid"),
        ("register", "vehicle_registration", "12-10001", "valid"),
    ]
    page = father.get("/wallet/").content.decode()
    assert 'data-type="civil_id"' in page and 'data-source="register"' in page

    # The civil ID is a credential of its own type, with the names in both languages
    civil_id = from_register(father, "civil_id")
    assert civil_id["configurations"] == ["civil_id", "civil_id_qr_id", "civil_id_qr_age"]
    wallet, received = receive(http, father, civil_id)
    token = parse(received["civil_id"].split("~")[0], sdjwt.TYP)
    assert token.payload["vct"] == f"{ISSUER}/vct/civil_id"
    person = m.Person.objects.get(civil_id=demo["father"])
    expected_end = dt.datetime.combine(person.civil_id_expiry + dt.timedelta(days=1), dt.time())
    assert token.payload["exp"] == int(
        expected_end.replace(tzinfo=dt.timezone(dt.timedelta(hours=3))).timestamp()
    )
    answer = verify(http, show(wallet, received["civil_id"], ["name_ar", "name_en", "civil_id"]))
    assert (answer["genuine"], answer["state"], answer["configuration"]) == (True, "valid", "civil_id")
    assert answer["claims"] == {
        "name_ar": person.name_ar,
        "name_en": person.name_en,
        "civil_id": demo["father"],
    }

    # Its published type names it, and each of its claims, in Arabic and in English
    metadata = http.get("/vct/civil_id").json()
    assert {d["locale"]: d["name"] for d in metadata["display"]} == {
        "ar": "البطاقة المدنية",
        "en": "Civil ID",
    }
    labels = {tuple(c["path"]): {d["locale"]: d["label"] for d in c["display"]} for c in metadata["claims"]}
    assert labels[("name_en",)] == {"ar": "الاسم بالإنجليزية", "en": "Name in English"}
    vehicle = http.get("/vct/vehicle_registration").json()
    colours = {tuple(c["path"]) for c in vehicle["claims"]}
    assert {("details", "colour_ar"), ("details", "colour_en"), ("details", "plate_number")} <= colours

    # A vehicle's credential carries the register's record, its colour in both languages
    holder, car = receive(http, father, from_register(father, "vehicle_registration"))
    shown = verify(
        http, show(holder, car["vehicle_registration"], ["details.plate_number", "details.colour_ar"])
    )
    assert shown["claims"]["details"] == {"plate_number": "12-10001", "colour_ar": "أبيض"}


def test_a_renewal_replaces_the_registers_copy_at_once(login, demo, http):
    father = login(demo["father"], "en")
    copy = from_register(father, "vehicle_registration")
    wallet, received = receive(http, father, copy)
    presentation = show(wallet, received["vehicle_registration"], [])
    assert verify(http, presentation)["state"] == "valid"

    # When he renews the car's registration, its old credential is revoked in the same commit
    paid(father, apply(father, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"}))
    assert verify(http, presentation)["state"] == "revoked"
    assert RegisterCopy.objects.get(pk=copy["id"]).revoked_at is not None

    # And the new one is offered: the renewal's registration, valid to the register's new end
    new_end = m.Vehicle.objects.get(plate="12-10001").registration_expiry.isoformat()
    cars = [
        (d["source"], d["state"], d["valid_until"])
        for d in listed(father)
        if d["document"] == "vehicle_registration"
    ]
    assert cars == [("application", "valid", new_end)]


def test_a_renewed_civil_id_is_a_new_civil_id_credential(login, demo, http):
    father = login(demo["father"], "en")
    person = m.Person.objects.get(civil_id=demo["father"])
    person.civil_id_expiry = timezone.localdate() + dt.timedelta(days=30)  # due for renewal
    person.save(update_fields=["civil_id_expiry"])
    old = from_register(father, "civil_id")
    wallet, received = receive(http, father, old)
    presentation = show(wallet, received["civil_id"], ["civil_id"])

    paid(father, apply(father, "paci.civil-id-renewal", {"delivery": "kiosk", "contact_phone": "99887766"}))

    assert verify(http, presentation)["state"] == "revoked"
    new = from_register(father, "civil_id")
    assert new["id"] != old["id"]
    assert new["valid_until"] == m.Person.objects.get(pk=person.pk).civil_id_expiry.isoformat()
    renewed, again = receive(http, father, new)
    assert verify(http, show(renewed, again["civil_id"], ["civil_id"]))["state"] == "valid"


def test_a_record_cancelled_in_its_register_revokes_its_copy(login, demo, http):
    father = login(demo["father"], "en")
    passport = from_register(father, "passport")
    wallet, received = receive(http, father, passport)
    presentation = show(wallet, received["passport"], [])

    # The passport is cancelled in the register itself (outside Sahl): the next look catches it
    m.Passport.objects.filter(holder__civil_id=demo["father"]).delete()
    assert [d for d in listed(father) if d["document"] == "passport"] == []
    assert verify(http, presentation)["state"] == "revoked"
    assert Credential.objects.filter(copy_id=passport["id"], status=Credential.Status.REVOKED).count() == 3


def test_a_company_holds_no_register_copies_and_a_stranger_cannot_have_an_offer(login, demo):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    copy = from_register(father, "civil_id")
    refused = expat.post(
        "/api/v1/wallet/offers",
        {"document": copy["id"], "source": "register"},
        content_type="application/json",
        **csrf(expat),
    )
    assert refused.status_code == 404


def test_a_certificate_read_from_a_register_leaves_the_copies_to_the_next_look(login, demo):
    """Only effects change a register from Sahl: a certificate (no effect, no document that stands
    for a copy) does not bring its holder's copies in step inside its transaction. A renewal does
    (above); a change outside Sahl is caught when the wallet is next read (above)."""
    father = login(demo["father"], "en")
    answers = {"certificate_type": "registration", "addressed_to": ""}
    with CaptureQueriesContext(connection) as queries:
        reference = reference_of(apply(father, "pifss.social-security-certificate", answers))
    assert Application.objects.get(reference=reference).state == "completed"
    written = " ".join(q["sql"] for q in queries.captured_queries)
    assert "applications_issueddocument" in written  # the certificate was issued in this request
    assert RegisterCopy._meta.db_table not in written
