"""SD-JWT VC as Sahl issues it, and the verifier refusing each crafted credential."""

import hashlib
import hmac
import json

import pytest

from sahl.wallet import sdjwt
from sahl.wallet.jose import JoseError, b64url, compact_json, unb64url
from tests.wallet_fixtures import ISSUER, NOW, crafted_cases, issue, present, qr_nonce

CASES = crafted_cases()


def header_and_payload(text: str) -> tuple[dict, dict]:
    head, body, _ = text.split("~")[0].split(".")
    return json.loads(unb64url(head)), json.loads(unb64url(body))


def test_a_full_credential_keeps_the_required_claims_plain_and_personal_ones_disclosable():
    issued = issue("driving_licence")
    header, payload = header_and_payload(issued.sd_jwt)
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": header["kid"]} and len(header["kid"]) == 8
    assert {"iss", "nbf", "exp", "vct", "cnf", "status", "_sd", "_sd_alg"} <= set(payload)
    assert payload["status"]["status_list"]["uri"].startswith(ISSUER)
    # Nothing personal is readable without its disclosure.
    raw = json.dumps(payload, ensure_ascii=False)
    for secret in ("290010112345", "1990-01-01", "عبدالرحمن", "DL290010112345"):
        assert secret not in raw
    named = sdjwt.claim_names(issued.sd_jwt)
    assert {"name_ar", "civil_id", "birthdate", "age_equal_or_over.18", "details.licence_number"} <= set(
        named
    )
    assert not {"iss", "exp", "cnf", "vct", "status"} & set(named)


def test_claims_that_must_stay_plain_cannot_be_made_disclosable():
    with pytest.raises(ValueError, match="plain"):
        sdjwt.issue(issue().issuer_key, "k", {"iss": ISSUER}, {"status": {}})


def test_a_presentation_reveals_only_what_the_holder_chose():
    issued = issue("driving_licence")
    shown = sdjwt.present(
        issued.sd_jwt, ["name_en", "age_equal_or_over.18"], issued.holder_key, "bank", "n-1", NOW
    )
    result = sdjwt.verify(shown, ISSUER, issued.keys, sdjwt.Binding("bank", lambda n, iat: n == "n-1"), NOW)
    assert result.claims["name_en"].startswith("Abdulrahman")
    assert result.claims["age_equal_or_over"] == {"18": True}
    assert "birthdate" not in result.claims and "civil_id" not in result.claims
    assert result.timing == "valid" and result.status_reference == (f"{ISSUER}/wallet/status/999", 131_071)


def test_the_age_qr_shows_over_18_and_nothing_else():
    issued = issue("driving_licence_qr_age")
    result = sdjwt.verify(
        present(issued, ["age_equal_or_over.18"]), ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW
    )
    personal = {
        k: v for k, v in result.claims.items() if k not in ("iss", "nbf", "exp", "vct", "cnf", "status")
    }
    assert personal == {"age_equal_or_over": {"18": True}}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_verifier_refuses_a_crafted_presentation(case):
    with pytest.raises(JoseError) as refused:
        sdjwt.verify(case.presentation, ISSUER, case.keys, sdjwt.qr_binding(NOW), NOW)
    assert refused.value.code == case.reason


def test_every_refusal_the_profile_lists_has_a_crafted_case():
    assert {c.reason for c in CASES} >= {
        "alg_not_allowed",
        "wrong_type",
        "unknown_key",
        "bad_signature",
        "disclosure_not_referenced",
        "key_binding_missing",
        "key_binding_invalid",
        "sd_hash_mismatch",
        "nonce_outside_window",
    }


@pytest.mark.parametrize(
    ("seconds_ago", "refusal"),
    [
        (0, None),
        (119, None),
        (180, "nonce_outside_window"),
        (600, "nonce_outside_window"),
        (-30, None),
        (-61, "key_binding_invalid"),
    ],
)
def test_the_nonce_window_accepts_up_to_two_windows_back_and_a_little_clock_ahead(seconds_ago, refusal):
    # NOW is 20 s into its window: 119 s ago is two windows back, 180 s ago is three.
    assert NOW % 60 == 20
    issued = issue()
    shown = present(issued, ["age_equal_or_over.18"], iat=NOW - seconds_ago)
    if refusal is None:
        sdjwt.verify(shown, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
    else:
        with pytest.raises(JoseError) as refused:
            sdjwt.verify(shown, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
        assert refused.value.code == refusal


def test_validity_times_tell_expired_and_not_yet_valid_apart_from_forged():
    expired = issue(exp=NOW - 3600)
    early = issue(nbf=NOW + 3600)
    for issued, timing in ((expired, "expired"), (early, "not_yet_valid")):
        result = sdjwt.verify(present(issued, []), ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
        assert result.timing == timing


def test_a_credential_without_cnf_needs_no_key_binding_but_refuses_one():
    issued = issue(cnf=False)
    assert sdjwt.verify(issued.sd_jwt, ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW).timing == "valid"
    with pytest.raises(JoseError, match="key_binding_invalid"):
        sdjwt.verify(issued.sd_jwt + "x.y.z", ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)


def _with_kb(issued, base: str, **claims) -> str:
    from sahl.wallet.jose import sign

    kb = {
        "iat": NOW,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(NOW),
        "sd_hash": sdjwt.digest(base),
    } | claims
    return base + sign(issued.holder_key, {"alg": "ES256", "typ": "kb+jwt"}, kb)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda i: i.sd_jwt.split("~")[0] + "~é~x", "disclosure_malformed"),
        (lambda i: _with_kb(i, i.sd_jwt.split("~")[0] + "~", nonce="²"), "nonce_outside_window"),
        (lambda i: _with_kb(i, i.sd_jwt.split("~")[0] + "~", nonce="٢٩٩٣٣٣٣٣"), "nonce_outside_window"),
        (lambda i: _with_kb(i, i.sd_jwt.split("~")[0] + "~", iat=True), "key_binding_invalid"),
    ],
    ids=["non-ascii-disclosure", "superscript-nonce", "arabic-indic-nonce", "boolean-iat"],
)
def test_odd_input_is_refused_with_a_reason_never_a_crash(make, reason):
    issued = issue()
    with pytest.raises(JoseError) as refused:
        sdjwt.verify(make(issued), ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
    assert refused.value.code == reason


def _unsigned_kb(issued, alg: str) -> str:
    """A key binding under `alg`; for HS256 MACed with the holder's public JWK as the secret, the
    classic confusion of a public key for a shared one."""
    base = issued.sd_jwt.split("~")[0] + "~"
    claims = {
        "iat": NOW,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(NOW),
        "sd_hash": sdjwt.digest(base),
    }
    signing_input = f"{b64url(compact_json({'alg': alg, 'typ': 'kb+jwt'}))}.{b64url(compact_json(claims))}"
    secret = compact_json(sdjwt.holder_jwk(issued.holder_key))
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest() if alg == "HS256" else b""
    return f"{base}{signing_input}.{b64url(mac)}"


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", "RS256"])
def test_a_key_binding_under_any_algorithm_but_es256_is_refused(alg):
    issued = issue()
    with pytest.raises(JoseError) as refused:
        sdjwt.verify(_unsigned_kb(issued, alg), ISSUER, issued.keys, sdjwt.qr_binding(NOW), NOW)
    assert refused.value.code == "alg_not_allowed"
