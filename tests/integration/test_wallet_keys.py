"""The issuer's keys: there from deployment, never an empty key set, and a rotated key published
before it signs and until the last thing it signed has expired (ADR 0028)."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from sahl.wallet import keys, sdjwt
from sahl.wallet.jose import parse
from sahl.wallet.models import Credential, IssuerKey, StatusList
from tests.integration.conftest import DjangoTransport
from tests.integration.test_wallet import ISSUER, new_licence, offer_for, verify
from tests.oid4vci_client import Wallet
from tests.wallet_fixtures import qr_nonce

pytestmark = pytest.mark.django_db
JWKS = "/.well-known/jwt-vc-issuer"


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


def published(http: httpx.Client) -> list[str]:
    answer = http.get(JWKS)
    assert answer.status_code == 200
    return [key["kid"] for key in answer.json()["jwks"]["keys"]]


def kid_of(credential: str) -> str:
    return str(parse(credential.split("~")[0], "dc+sd-jwt").header["kid"])


def travel(monkeypatch: pytest.MonkeyPatch, to: dt.datetime) -> None:
    """Every clock the issuer, the verifier and the test wallet read moves to `to` (and runs on)."""
    step = (to - timezone.now()).total_seconds()
    wall, now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: wall() + step)
    monkeypatch.setattr(timezone, "now", lambda: now() + dt.timedelta(seconds=step))


def receive(login, demo, http: httpx.Client, licence) -> tuple[Wallet, dict[str, str]]:
    father = login(demo["father"], "en")
    made = offer_for(father, licence)
    wallet = Wallet(http)
    return wallet, wallet.receive(made["credential_offer_uri"], made["tx_code"])


def state(http: httpx.Client, wallet: Wallet, credential: str) -> str:
    now = int(time.time())
    shown = sdjwt.present(
        credential, ["age_equal_or_over.18"], wallet.key, sdjwt.QR_AUDIENCE, qr_nonce(now), now
    )
    return str(verify(http, shown)["state"])


def test_a_freshly_migrated_database_publishes_its_key_before_any_credential(http):
    assert not Credential.objects.exists()
    answer = http.get(JWKS)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    jwks = answer.json()["jwks"]["keys"]
    assert len(jwks) == 1 and {"kid", "kty", "crv", "x", "y"} <= set(jwks[0])
    assert all("d" not in key for key in jwks)
    # It is the key the first credential will be signed with.
    assert keys.signing_key().kid == jwks[0]["kid"]


def test_without_any_key_the_key_set_is_a_503_never_an_empty_set(http):
    IssuerKey.objects.all().delete()
    for language, title in (("en", "The wallet's signing keys are not available"), ("ar", "مفاتيح")):
        answer = http.get(JWKS, headers={"Accept-Language": language})
        assert answer.status_code == 503
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.headers["Retry-After"] == "60"
        assert answer.headers["Cache-Control"] == "no-store"
        problem = answer.json()
        assert problem["type"] == "urn:sahl:problem:wallet.no_issuer_key" and problem["status"] == 503
        assert title in problem["title"]
    # What `make run` and a deployment run after `migrate` makes one again, once.
    call_command("wallet_keys", stdout=None)
    call_command("wallet_keys", stdout=None)
    assert IssuerKey.objects.count() == 1
    assert published(http) == [IssuerKey.objects.get().kid]


def test_a_rotated_key_is_published_before_it_signs_and_until_what_the_old_one_signed_expires(
    login, demo, http, monkeypatch
):
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    wallet, before = receive(login, demo, http, licence)
    old = kid_of(before["driving_licence"])
    assert published(http) == [old]

    # Rotated: the new key is in the key set at once, but the old one still signs for an hour, so
    # that no cache of the key set (60 s) can miss the key of a credential it is shown.
    call_command("rotate_wallet_key", stdout=None)
    new = IssuerKey.objects.exclude(kid=old).get().kid
    assert published(http) == [old, new]
    _, meanwhile = receive(login, demo, http, licence)
    assert kid_of(meanwhile["driving_licence"]) == old

    # An hour later the new key signs credentials and status lists; the old one's still verify.
    travel(monkeypatch, timezone.now() + keys.PUBLISH_AHEAD + dt.timedelta(seconds=1))
    wallet_after, after = receive(login, demo, http, licence)
    assert {kid_of(c) for c in after.values()} == {new}
    assert published(http) == [old, new]
    assert state(http, wallet, before["driving_licence_qr_age"]) == "valid"
    assert state(http, wallet_after, after["driving_licence_qr_age"]) == "valid"
    listed = Credential.objects.filter(issuer_key__kid=new).first()
    assert listed is not None
    token = http.get(f"/wallet/status/{listed.status_list_id}").text
    assert parse(token, "statuslist+jwt").header["kid"] == new
    assert StatusList.objects.get(pk=listed.status_list_id).token_key.kid == new
    # Each credential records the key that signed it.
    assert set(Credential.objects.values_list("issuer_key__kid", flat=True)) == {old, new}

    # The old key stays until the last credential it signed has expired (and a verifier's leeway)...
    last = Credential.objects.filter(issuer_key__kid=old).latest("expires_at").expires_at
    travel(monkeypatch, last + dt.timedelta(minutes=1))
    assert published(http) == [old, new]
    # ...and is gone after; the new one stays.
    travel(monkeypatch, last + keys.GRACE + dt.timedelta(minutes=1))
    assert published(http) == [new]


def test_a_key_rotated_at_once_stays_published_while_a_status_list_token_it_signed_lives(
    login, demo, http, monkeypatch
):
    # Noon tomorrow, so "ten minutes before tonight's expiry" is after the issuance at any hour.
    noon = timezone.localtime() + dt.timedelta(days=1)
    travel(monkeypatch, noon.replace(hour=12, minute=0, second=0, microsecond=0))
    father = login(demo["father"], "en")
    licence = new_licence(father, demo["father"])
    licence.valid_until = timezone.localdate()  # its credentials expire tonight
    licence.save(update_fields=["valid_until"])
    wallet, held = receive(login, demo, http, licence)
    old = kid_of(held["driving_licence"])
    credential = Credential.objects.get(issuer_key__kid=old, configuration="driving_licence")

    # Shortly before they expire, a verifier reads the status list: the old key signs it, for a day.
    travel(monkeypatch, credential.expires_at - dt.timedelta(minutes=10))
    token = parse(http.get(f"/wallet/status/{credential.status_list_id}").text, "statuslist+jwt")
    assert token.header["kid"] == old
    assert StatusList.objects.get(pk=credential.status_list_id).token_key.kid == old
    # Then the key must stop at once (say it leaked): the new one signs from now on.
    call_command("rotate_wallet_key", "--now", stdout=None)
    new = keys.signing_key().kid
    assert new != old and published(http) == [old, new]
    assert state(http, wallet, held["driving_licence_qr_age"]) == "valid"
    fresh = parse(http.get(f"/wallet/status/{credential.status_list_id}").text, "statuslist+jwt")
    assert fresh.header["kid"] == new

    # Every credential of the old key has expired, but the status list token it signed has not.
    travel(monkeypatch, credential.expires_at + keys.GRACE + dt.timedelta(minutes=1))
    assert published(http) == [old, new]
    until = dt.datetime.fromtimestamp(token.payload["exp"], dt.UTC)
    travel(monkeypatch, until + keys.GRACE + dt.timedelta(minutes=1))
    assert published(http) == [new]
