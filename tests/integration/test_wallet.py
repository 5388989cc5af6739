"""Hawiyati end to end over HTTP: an OpenID4VCI wallet receives the licence with the pre-authorized
code, presents it, a verifier checks it; replacing the licence revokes the old credential."""

from __future__ import annotations

import datetime as dt
import json
import time

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.wallet import sdjwt, statuslist
from sahl.wallet.jose import JoseError, key_from_jwk, parse, public_jwk, unb64url
from sahl.wallet.models import Credential, IssuerKey, Offer
from tests import status_list_reader
from tests.integration.conftest import DjangoTransport, apply, paid
from tests.oid4vci_client import Wallet
from tests.wallet_fixtures import qr_nonce

pytestmark = pytest.mark.django_db
ISSUER = "http://localhost:8000"
REPLACEMENT = "moi.driving-licence-replacement"


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


def csrf(client) -> dict[str, str]:
    client.get("/wallet/")
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def new_licence(person, civil_id: str) -> IssuedDocument:
    paid(person, apply(person, REPLACEMENT, {"licence_number": f"DL{civil_id}", "reason": "lost"}))
    return IssuedDocument.objects.filter(holder_civil_id=civil_id, document="driving_licence").latest("pk")


def offer_for(person, document: IssuedDocument) -> dict:
    response = person.post(
        "/api/v1/wallet/offers", {"document": document.pk}, content_type="application/json", **csrf(person)
    )
    assert response.status_code == 201, response.content
    return response.json()


def verify(http: httpx.Client, presentation: str) -> dict:
    return http.post(
        "/api/v1/wallet/verify", json={"presentation": presentation}, headers={"Accept-Language": "en"}
    ).json()


def show_age(wallet: Wallet, credential: str, age: str = "18") -> str:
    now = int(time.time())
    return sdjwt.present(
        credential, [f"age_equal_or_over.{age}"], wallet.key, sdjwt.QR_AUDIENCE, qr_nonce(now), now
    )


def test_a_wallet_receives_the_licence_presents_it_and_loses_it_when_replaced(login, demo, http):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    made = offer_for(father, licence)
    assert made["credential_offer"]["credential_configuration_ids"] == [
        "driving_licence",
        "driving_licence_qr_id",
        "driving_licence_qr_age",
    ]
    assert len(made["tx_code"]) == 6 and made["tx_code"].isdigit()

    wallet = Wallet(http)
    received = wallet.receive(made["credential_offer_uri"], made["tx_code"])

    # The credential is what the profile says, signed by a key the issuer publishes.
    jwks = http.get("/.well-known/jwt-vc-issuer").json()
    assert jwks["issuer"] == ISSUER and all("d" not in key for key in jwks["jwks"]["keys"])
    keys = {k["kid"]: key_from_jwk(k) for k in jwks["jwks"]["keys"]}
    full = received["driving_licence"]
    jws = parse(full.split("~")[0], "dc+sd-jwt")
    jws.verify(keys[jws.header["kid"]])
    assert jws.payload["vct"] == f"{ISSUER}/vct/driving_licence"
    assert jws.payload["cnf"]["jwk"] == public_jwk(wallet.key.public_key())
    assert jws.payload["exp"] > jws.payload["nbf"] >= int(time.time()) - 60
    type_metadata = http.get(jws.payload["vct"]).json()
    assert {d["locale"]: d["name"] for d in type_metadata["display"]} == {
        "ar": "رخصة القيادة",
        "en": "Driving licence",
    }

    # Presented to a verifier: genuine, valid, over 18, nothing else.
    answer = verify(http, show_age(wallet, received["driving_licence_qr_age"]))
    assert (answer["genuine"], answer["state"], answer["state_text"]) == (True, "valid", "Valid")
    assert answer["claims"] == {"age_equal_or_over": {"18": True}}
    assert answer["configuration"] == "driving_licence_qr_age"

    # A new licence replaces it: the old credentials are revoked at once, the status list says so.
    new_licence(father, demo["father"])
    licence.refresh_from_db()
    assert licence.revoked_at is not None
    answer = verify(http, show_age(wallet, received["driving_licence_qr_age"]))
    assert (answer["genuine"], answer["state"], answer["state_text"]) == (True, "revoked", "Revoked")
    ref = json.loads(unb64url(received["driving_licence"].split("~")[0].split(".")[1]))["status"][
        "status_list"
    ]
    token = http.get(ref["uri"].removeprefix(ISSUER))
    assert token.headers["content-type"] == "application/statuslist+jwt"
    listed = parse(token.text, "statuslist+jwt")
    listed.verify(keys[listed.header["kid"]])
    assert listed.payload["sub"] == ref["uri"] and listed.payload["ttl"] == 300
    assert status_list_reader.status_at(listed.payload["status_list"], ref["idx"]) == statuslist.REVOKED

    # The holder sees it: the old licence is revoked, the new one valid (beside what the registers certify).
    listed = father.get("/api/v1/wallet/documents").json()
    states = {d["verification_code"]: d["state"] for d in listed if d["source"] == "application"}
    assert states[licence.verification_code] == "revoked"
    assert sorted(states.values()) == ["revoked", "valid"]


def test_every_document_type_of_the_catalogue_has_a_credential_configuration_and_type(http):
    from sahl.catalogue.services import document_types

    metadata = http.get("/.well-known/openid-credential-issuer").json()
    supported = metadata["credential_configurations_supported"]
    types = document_types()
    assert len(types) > 150
    assert set(types) <= set(supported)
    for code in (
        "driving_licence",
        "vehicle_registration",
        "civil_id_card",
        "passport",
        "commercial_licence",
        "birth_certificate",
    ):
        config = supported[code]
        assert config["format"] == "dc+sd-jwt" and config["credential_signing_alg_values_supported"] == [
            "ES256"
        ]
        assert http.get(config["vct"].removeprefix(ISSUER)).status_code == 200
    assert http.get("/vct/no_such_document").status_code == 404
    oauth = http.get("/.well-known/oauth-authorization-server").json()
    assert oauth["pre-authorized_grant_anonymous_access_supported"] is True


def test_a_code_works_once_and_a_wrong_transaction_code_counts(login, demo, http):
    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    wallet = Wallet(http)
    offer = wallet.parse_offer(made["credential_offer_uri"])
    wrong = "000000" if made["tx_code"] != "000000" else "111111"
    assert wallet.token(offer, wrong).json()["error"] == "invalid_grant"
    assert Offer.objects.get().tries == 1
    assert wallet.token(offer, made["tx_code"]).status_code == 200
    assert wallet.token(offer, made["tx_code"]).json()["error"] == "invalid_grant"  # used


def test_five_wrong_transaction_codes_end_the_offer(login, demo, http):
    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    wallet = Wallet(http)
    offer = wallet.parse_offer(made["credential_offer_uri"])
    wrong = "000000" if made["tx_code"] != "000000" else "111111"
    for _ in range(5):
        wallet.token(offer, wrong)
    answer = wallet.token(offer, made["tx_code"]).json()
    assert answer["error"] == "invalid_grant" and "too many" in answer["error_description"]


def test_an_offer_expires_after_ten_minutes(login, demo, http):
    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    offer = Offer.objects.get()
    assert abs(offer.expires_at - offer.created_at - dt.timedelta(minutes=10)) < dt.timedelta(seconds=1)
    Offer.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))  # ten minutes later
    wallet = Wallet(http)
    assert (
        wallet.token(wallet.parse_offer(made["credential_offer_uri"]), made["tx_code"]).json()["error"]
        == "invalid_grant"
    )


@pytest.fixture
def redeemed(login, demo, http):
    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    wallet = Wallet(http)
    offer = wallet.parse_offer(made["credential_offer_uri"])
    metadata, _ = wallet.metadata(ISSUER)
    token = wallet.token(offer, made["tx_code"]).json()["access_token"]
    return wallet, metadata, token


def test_a_nonce_works_once(redeemed):
    wallet, metadata, token = redeemed
    nonce = wallet.nonce(metadata)
    assert (
        wallet.request_credential(metadata, token, "driving_licence", wallet.proof(ISSUER, nonce)).status_code
        == 200
    )
    again = wallet.request_credential(metadata, token, "driving_licence_qr_age", wallet.proof(ISSUER, nonce))
    assert again.json()["error"] == "invalid_nonce"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"aud": "https://another.example"}, "invalid_proof"),
        ({"iat": 1_000_000_000}, "invalid_proof"),
        ({"nonce": "made-up"}, "invalid_nonce"),
        ({"signed_by_another_key": True}, "invalid_proof"),
    ],
    ids=["audience", "old-iat", "unknown-nonce", "key-not-the-jwk"],
)
def test_a_bad_key_proof_is_refused_and_issues_nothing(redeemed, change, error):
    wallet, metadata, token = redeemed
    nonce = wallet.nonce(metadata)
    if change.pop("signed_by_another_key", False):
        from cryptography.hazmat.primitives.asymmetric import ec

        proof = wallet.proof(ISSUER, nonce, key=ec.generate_private_key(ec.SECP256R1()))
    else:
        proof = wallet.proof(ISSUER, str(change.pop("nonce", nonce)), **change)
    answer = wallet.request_credential(metadata, token, "driving_licence", proof)
    assert answer.status_code == 400 and answer.json()["error"] == error
    assert Credential.objects.count() == 0


def test_a_configuration_is_issued_once_per_token_and_only_from_its_offer(redeemed):
    wallet, metadata, token = redeemed
    assert (
        wallet.request_credential(
            metadata, token, "driving_licence", wallet.proof(ISSUER, wallet.nonce(metadata))
        ).status_code
        == 200
    )
    twice = wallet.request_credential(
        metadata, token, "driving_licence", wallet.proof(ISSUER, wallet.nonce(metadata))
    )
    assert twice.json()["error"] == "invalid_credential_request"
    other = wallet.request_credential(
        metadata, token, "passport", wallet.proof(ISSUER, wallet.nonce(metadata))
    )
    assert other.json()["error"] == "unknown_credential_configuration"
    bad = wallet.request_credential(metadata, "not-a-token", "driving_licence", "x")
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_token"


def test_another_persons_document_answers_404_and_gets_no_offer(login, demo):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    expat = login(demo["expat"], "en")
    answer = expat.post(
        "/api/v1/wallet/offers", {"document": licence.pk}, content_type="application/json", **csrf(expat)
    )
    assert answer.status_code == 404
    assert Offer.objects.count() == 0


def test_offers_need_the_session_and_its_csrf_token(login, demo):
    from django.test import Client

    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    strict = Client(enforce_csrf_checks=True)  # as a browser: the test client skips CSRF otherwise
    strict.cookies = father.cookies
    assert (
        strict.post(
            "/api/v1/wallet/offers", {"document": licence.pk}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        strict.post(
            "/api/v1/wallet/offers", {"document": licence.pk}, content_type="application/json", **csrf(strict)
        ).status_code
        == 201
    )

    assert (
        Client()
        .post("/api/v1/wallet/offers", {"document": licence.pk}, content_type="application/json")
        .status_code
        == 401
    )


def test_a_revoked_document_gets_no_offer_in_the_persons_language(login, demo):
    father = login(demo["father"], "ar")
    old = new_licence(father, demo["father"])
    new_licence(father, demo["father"])
    answer = father.post(
        "/api/v1/wallet/offers", {"document": old.pk}, content_type="application/json", **csrf(father)
    )
    assert answer.status_code == 400 and "أُلغي" in answer.json()["title"]


def test_suspending_and_reinstating_a_licence_shows_at_the_verifier(login, demo, http):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    made = offer_for(father, licence)
    wallet = Wallet(http)
    received = wallet.receive(made["credential_offer_uri"], made["tx_code"])
    call_command("document_status", licence.verification_code, "suspend", stdout=None)
    assert verify(http, show_age(wallet, received["driving_licence_qr_age"]))["state"] == "suspended"
    listed = father.get("/api/v1/wallet/documents").json()
    assert {d["state"] for d in listed if d["source"] == "application"} == {"suspended"}
    call_command("document_status", licence.verification_code, "reinstate", stdout=None)
    assert verify(http, show_age(wallet, received["driving_licence_qr_age"]))["state"] == "valid"


def test_the_verifier_api_refuses_a_crafted_presentation_and_changes_nothing(http):
    from tests.wallet_fixtures import crafted_cases

    for case in crafted_cases():
        answer = verify(http, case.presentation)
        assert answer["genuine"] is False and answer["state"] == "refused"
        assert answer["reason"] in ("unknown_issuer", "alg_not_allowed", "malformed", "wrong_type"), case.name
        assert answer["reason_text"]
    assert http.post("/api/v1/wallet/verify", json={"presentation": " "}).status_code == 400


def test_a_private_key_is_never_stored_in_the_clear(login, demo, http):
    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    Wallet(http).receive(made["credential_offer_uri"], made["tx_code"])
    key = IssuerKey.objects.get()
    assert "ENCRYPTED PRIVATE KEY" in key.private_pem
    with pytest.raises(JoseError):
        key_from_jwk(key.public_jwk | {"d": "x"})


def test_selling_the_car_revokes_the_sellers_registration_and_the_buyer_gets_one(login, demo):
    from sahl.backoffice import services as backoffice
    from sahl.identity.models import User
    from tests.integration.conftest import pay, proof_of_payment, reference_of

    father = login(demo["father"], "en")
    paid(father, apply(father, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"}))
    sellers = IssuedDocument.objects.get(holder_civil_id=demo["father"], document="vehicle_registration")
    expat = login(demo["expat"], "en")
    paid(expat, apply(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}))
    other_car = IssuedDocument.objects.get(holder_civil_id=demo["expat"], document="vehicle_registration")

    answers = {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    reference = reference_of(apply(father, "moi.vehicle-ownership-transfer", answers, proof_of_payment()))
    expat.post(f"/applications/{reference}/consent", {"agree": "yes"})
    pay(father, reference)
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    sellers.refresh_from_db()
    assert sellers.revoked_at is None  # not before the sale is decided
    backoffice.approve(caseworker, reference)

    sellers.refresh_from_db()
    other_car.refresh_from_db()
    assert sellers.revoked_at is not None
    assert other_car.revoked_at is None  # the buyer's other car is not touched
    bought = IssuedDocument.objects.filter(
        holder_civil_id=demo["expat"], document="vehicle_registration"
    ).latest("pk")
    assert bought.application.reference == reference and bought.revoked_at is None
    assert {
        d["state"]
        for d in father.get("/api/v1/wallet/documents").json()
        if d["document"] == "vehicle_registration"
    } == {"revoked"}


def test_revoking_a_power_of_attorney_revokes_its_document(login, demo):
    from sahl.identity.models import User
    from sahl.mandates import services as mandates
    from sahl.mandates.models import Mandate
    from tests.integration.test_mandates import grant

    _, _, reference = grant(login, demo)
    document = IssuedDocument.objects.get(application__reference=reference, document="power_of_attorney")
    assert document.revoked_at is None
    mandate = Mandate.objects.get(application_reference=reference)
    mandates.revoke(User.objects.get(civil_id=demo["expat"]), mandate.pk, "no longer needed")
    document.refresh_from_db()
    assert document.revoked_at is not None


def test_the_status_list_is_signed_again_only_after_a_change(login, demo, http):
    from sahl.wallet.models import StatusList

    father = login(demo["father"], "en")
    made = offer_for(father, new_licence(father, demo["father"]))
    Wallet(http).receive(made["credential_offer_uri"], made["tx_code"])
    listed = StatusList.objects.get()
    first = http.get(f"/wallet/status/{listed.pk}").text
    assert http.get(f"/wallet/status/{listed.pk}").text == first  # kept, not re-signed
    assert listed.credentials.count() == 3 and len({c.status_index for c in listed.credentials.all()}) == 3
    new_licence(father, demo["father"])
    second = http.get(f"/wallet/status/{listed.pk}").text
    assert second != first
    revoked = [
        status_list_reader.status_at(parse(second, "statuslist+jwt").payload["status_list"], c.status_index)
        for c in listed.credentials.all()
    ]
    assert revoked == [statuslist.REVOKED] * 3
    assert http.get("/wallet/status/999999").status_code == 404
    assert http.get("/wallet/status").json() == {"lists": [f"{ISSUER}/wallet/status/{listed.pk}"]}


def test_the_sweep_forgets_expired_nonces_offers_and_tokens_but_keeps_credentials(login, demo, http):
    from sahl.wallet.models import AccessToken, Nonce

    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    made = offer_for(father, licence)
    Wallet(http).receive(made["credential_offer_uri"], made["tx_code"])
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Nonce.objects.update(expires_at=long_ago)
    AccessToken.objects.update(expires_at=long_ago)
    Offer.objects.update(expires_at=long_ago)
    fresh = offer_for(father, licence)  # still good: kept
    call_command("wallet_sweep", stdout=None)
    assert (Nonce.objects.count(), AccessToken.objects.count(), Offer.objects.count()) == (0, 0, 1)
    assert Offer.objects.get().expires_at.isoformat()[:16] == fresh["expires_at"][:16]
    assert Credential.objects.count() == 3


def test_an_expired_document_gets_no_offer_and_no_credential(login, demo, http):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    made = offer_for(father, licence)  # offered while valid
    IssuedDocument.objects.filter(pk=licence.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    answer = father.post(
        "/api/v1/wallet/offers", {"document": licence.pk}, content_type="application/json", **csrf(father)
    )
    assert answer.status_code == 400 and "expired" in answer.json()["title"]
    wallet = Wallet(http)
    offer = wallet.parse_offer(made["credential_offer_uri"])
    metadata, _ = wallet.metadata(ISSUER)
    token = wallet.token(offer, made["tx_code"]).json()["access_token"]
    refused = wallet.request_credential(
        metadata, token, "driving_licence", wallet.proof(ISSUER, wallet.nonce(metadata))
    )
    assert refused.json()["error"] == "invalid_credential_request"
    assert Credential.objects.count() == 0
