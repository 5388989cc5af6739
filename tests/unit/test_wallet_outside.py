"""Sahl's credentials checked from outside wallet.jose and its JOSE library: by the SD-JWT reference
implementation (the `sd-jwt` package, on jwcrypto) and by `cryptography` alone. A library change
under wallet.jose that altered what wallets receive fails here (docs/adr/0015)."""

import base64
import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from jwcrypto.jwk import JWK
from jwcrypto.jws import InvalidJWSSignature
from sd_jwt.verifier import SDJWTVerifier

from sahl.wallet import sdjwt
from sahl.wallet.jose import JoseError, public_jwk
from tests.wallet_fixtures import ISSUER, NOW, Issued, issue, kid_of, new_key, present, qr_nonce

# --- By hand, on `cryptography` only ------------------------------------------------------------


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def checked_by_hand(jwt: str, key: ec.EllipticCurvePublicKey) -> tuple[dict, dict]:
    """An ES256 compact JWS verified as RFC 7515 and 7518 describe it; raises InvalidSignature."""
    head, body, signature = jwt.split(".")
    raw = b64decode(signature)
    assert len(raw) == 64  # R and S, 32 bytes each (RFC 7518, 3.4), not DER
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(b64decode(head)), json.loads(b64decode(body))


def key_from_xy(jwk: dict) -> ec.EllipticCurvePublicKey:
    assert (jwk["kty"], jwk["crv"]) == ("EC", "P-256")
    x, y = (int.from_bytes(b64decode(jwk[n]), "big") for n in ("x", "y"))
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def signed_by_hand(key: ec.EllipticCurvePrivateKey, header: dict, payload: dict) -> str:
    parts = [b64encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)]
    r, s = decode_dss_signature(key.sign(".".join(parts).encode(), ec.ECDSA(hashes.SHA256())))
    return ".".join([*parts, b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big"))])


def test_an_issued_presentation_holds_up_when_checked_by_hand():
    issued = issue("driving_licence")
    shown = sdjwt.present(issued.sd_jwt, ["name_en", "details.reason"], issued.holder_key, "bank", "n-1", NOW)
    jwt, *disclosures, kb = shown.split("~")
    header, payload = checked_by_hand(jwt, issued.issuer_key.public_key())
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid_of(issued.issuer_key)}
    assert payload["_sd_alg"] == "sha-256"
    digests = set(payload["_sd"]) | set(payload["details"]["_sd"])
    for disclosure in disclosures:
        assert b64encode(hashlib.sha256(disclosure.encode()).digest()) in digests
    assert {json.loads(b64decode(d))[1] for d in disclosures} == {"name_en", "reason"}
    # The key binding verifies with the key in cnf, rebuilt from its coordinates.
    kb_header, kb_claims = checked_by_hand(kb, key_from_xy(payload["cnf"]["jwk"]))
    assert kb_header == {"alg": "ES256", "typ": "kb+jwt"}
    without_kb = shown.rsplit("~", 1)[0] + "~"
    assert kb_claims == {
        "iat": NOW,
        "aud": "bank",
        "nonce": "n-1",
        "sd_hash": b64encode(hashlib.sha256(without_kb.encode()).digest()),
    }


def test_a_changed_byte_fails_the_check_by_hand():
    """So the test above could fail: the same check refuses one flipped bit of the payload."""
    issued = issue("driving_licence")
    head, body, signature = issued.sd_jwt.split("~")[0].split(".")
    payload = bytearray(b64decode(body))
    payload[-2] ^= 1
    with pytest.raises(InvalidSignature):
        checked_by_hand(f"{head}.{b64encode(bytes(payload))}.{signature}", issued.issuer_key.public_key())


def test_sahl_accepts_a_key_binding_signed_by_hand():
    issued = issue()
    base = issued.sd_jwt.split("~")[0] + "~" + sdjwt.claim_names(issued.sd_jwt)["age_equal_or_over.18"] + "~"
    kb = signed_by_hand(
        issued.holder_key,
        {"typ": "kb+jwt", "alg": "ES256"},  # another member order than Sahl's: it must not matter
        {
            "nonce": qr_nonce(NOW),
            "aud": sdjwt.QR_AUDIENCE,
            "iat": NOW,
            "sd_hash": b64encode(hashlib.sha256(base.encode()).digest()),
        },
    )
    result = sdjwt.verify(base + kb, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
    assert result.claims["age_equal_or_over"] == {"18": True}


# --- By the SD-JWT reference implementation -----------------------------------------------------


def reference_verifier(issued: Issued, presentation: str, aud: str, nonce: str) -> dict:
    issuer_jwk = public_jwk(issued.issuer_key.public_key())

    def issuer_key(iss: str, header: dict) -> JWK:
        assert (iss, header["kid"]) == (ISSUER, kid_of(issued.issuer_key))
        return JWK(**issuer_jwk)

    verifier = SDJWTVerifier(presentation, issuer_key, expected_aud=aud, expected_nonce=nonce)
    return verifier.get_verified_payload()


@pytest.mark.parametrize(
    ("configuration", "keep"),
    [
        ("driving_licence", ["name_ar", "age_equal_or_over.18", "details.licence_number"]),
        ("driving_licence_qr_age", ["age_equal_or_over.21"]),  # the QR profile: no _sd_alg, no top _sd
        ("driving_licence_qr_id", []),
    ],
)
def test_the_reference_implementation_reads_what_sahls_verifier_reads(configuration, keep):
    issued = issue(configuration)
    shown = present(issued, keep)
    theirs = reference_verifier(issued, shown, sdjwt.QR_AUDIENCE, qr_nonce(NOW))
    ours = sdjwt.verify(shown, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW).claims
    assert theirs == ours
    for path in keep:
        name, _, inner = path.partition(".")
        assert inner in theirs[name] if inner else name in theirs
    assert "birthdate" not in theirs


def test_the_reference_implementation_refuses_a_presentation_sahl_refuses():
    """A key binding by someone else's key: refused by both, so agreement above means something."""
    issued = issue()
    base = present(issued, ["age_equal_or_over.18"]).rsplit("~", 1)[0] + "~"
    claims = {
        "iat": NOW,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(NOW),
        "sd_hash": b64encode(hashlib.sha256(base.encode()).digest()),
    }
    foreign = base + signed_by_hand(new_key(), {"alg": "ES256", "typ": "kb+jwt"}, claims)
    with pytest.raises(InvalidJWSSignature):
        reference_verifier(issued, foreign, sdjwt.QR_AUDIENCE, qr_nonce(NOW))
    with pytest.raises(JoseError, match="key_binding_invalid"):
        sdjwt.verify(foreign, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
