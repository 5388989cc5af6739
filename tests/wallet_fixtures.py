"""Credentials made the way Sahl makes them, and crafted bad ones, for the wallet's tests (unit,
integration and browser tests use the same cases, so the Python and the JavaScript verifiers are
held to one list)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from sahl.core.bilingual import BilingualText
from sahl.wallet import rules, sdjwt
from sahl.wallet.jose import b64url, compact_json, public_jwk, sign, thumbprint, unb64url

# The longest issuer address the tests meet (a loopback server on a five-digit port).
ISSUER = "http://127.0.0.1:54321"
NOW = 1_796_000_000  # a fixed clock: 2026-11-29


def qr_nonce(at: int) -> str:
    """The QR profile's nonce: the minute window the holder's wallet signs in."""
    return str(at // sdjwt.WINDOW)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def kid_of(key: ec.EllipticCurvePrivateKey) -> str:
    return thumbprint(public_jwk(key.public_key()))[:8]


SUBJECT = rules.Subject(
    "290010112345",
    # A long name on purpose: the QR size limit must hold for it.
    BilingualText(
        "عبدالرحمن محمد عبدالله فهد الصباح العنزي", "Abdulrahman Mohammad Abdullah Fahad Al-Sabah Al-Enezi"
    ),
    dt.date(1990, 1, 1),
    "KW",
)
DOCUMENT = rules.Document(
    "driving_licence",
    "7KQ2-M9XD-4TPA",
    "moi",
    dt.date(2026, 11, 29),
    dt.date(2031, 11, 28),
    {"licence_number": "DL290010112345", "reason": "lost"},
)


@dataclass(frozen=True)
class Issued:
    issuer_key: ec.EllipticCurvePrivateKey
    holder_key: ec.EllipticCurvePrivateKey
    sd_jwt: str

    @property
    def keys(self) -> dict[str, ec.EllipticCurvePublicKey]:
        return {kid_of(self.issuer_key): self.issuer_key.public_key()}


def issue(configuration: str = "driving_licence_qr_age", *, cnf: bool = True, **changes: object) -> Issued:
    issuer_key, holder_key = new_key(), new_key()
    claims = rules.claims(configuration, SUBJECT, DOCUMENT, dt.date(2026, 11, 29))
    qr = bool(rules.qr_kind(configuration))
    plain: dict[str, object] = {"iss": ISSUER, "nbf": NOW - 60, "exp": NOW + 365 * 86400}
    plain["vct"] = f"{ISSUER}/vct/{configuration}"
    if cnf:
        plain["cnf"] = {"jwk": public_jwk(holder_key.public_key())}
    plain["status"] = {"status_list": {"idx": 131_071, "uri": f"{ISSUER}/wallet/status/999"}}
    plain |= claims.plain
    plain |= changes
    text = sdjwt.issue(issuer_key, kid_of(issuer_key), plain, claims.disclosable, claims.nested, compact=qr)
    return Issued(issuer_key, holder_key, text)


def present(issued: Issued, keep: list[str], iat: int = NOW) -> str:
    return sdjwt.present(issued.sd_jwt, keep, issued.holder_key, sdjwt.QR_AUDIENCE, qr_nonce(iat), iat)


def _resign_issuer_jwt(
    text: str, key: ec.EllipticCurvePrivateKey, header: dict, payload_change: Callable
) -> str:
    jwt, *rest = text.split("~")
    _, payload, _ = jwt.split(".")
    claims = json.loads(unb64url(payload))
    payload_change(claims)
    return "~".join([sign(key, header, claims), *rest])


def _kb(holder: ec.EllipticCurvePrivateKey, base: str, iat: int = NOW, **changes: object) -> str:
    claims = {
        "iat": iat,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(iat),
        "sd_hash": sdjwt.digest(base),
    }
    return sign(holder, {"alg": "ES256", "typ": "kb+jwt"}, claims | changes)


def _unsigned(header: dict, payload: dict) -> str:
    return f"{b64url(compact_json(header))}.{b64url(compact_json(payload))}."


@dataclass(frozen=True)
class Crafted:
    name: str
    presentation: str
    keys: dict[str, ec.EllipticCurvePublicKey]
    reason: str  # the refusal code both verifiers must give


def crafted_cases() -> list[Crafted]:
    """A bad presentation for each refusal the profile lists, made from a real credential."""
    good = issue()
    keys = good.keys
    kid = kid_of(good.issuer_key)
    ok = present(good, ["age_equal_or_over.18"])
    jwt, disclosure, kb = ok.split("~")
    base_no_disclosure = jwt + "~"
    cases = []

    # alg none: the issuer JWT re-made without a signature.
    header = json.loads(unb64url(jwt.split(".")[0])) | {"alg": "none"}
    payload = json.loads(unb64url(jwt.split(".")[1]))
    cases.append(
        Crafted("alg_none", f"{_unsigned(header, payload)}~{disclosure}~{kb}", keys, "alg_not_allowed")
    )
    # HS256 with the public key as the secret: the classic confusion, refused by the allow-list.
    cases.append(
        Crafted(
            "alg_hs256",
            f"{_unsigned(header | {'alg': 'HS256'}, payload)}~{disclosure}~{kb}",
            keys,
            "alg_not_allowed",
        )
    )
    # Signed by a key Sahl never published, under a kid it does not have.
    stranger = new_key()
    forged = _resign_issuer_jwt(
        ok, stranger, {"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid_of(stranger)}, lambda c: None
    )
    cases.append(Crafted("unknown_kid", _rebind(forged, good.holder_key), keys, "unknown_key"))
    # Signed by a stranger but claiming Sahl's kid: the signature fails.
    forged = _resign_issuer_jwt(
        ok, stranger, {"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid}, lambda c: None
    )
    cases.append(Crafted("forged_signature", _rebind(forged, good.holder_key), keys, "bad_signature"))
    # A wrong typ header.
    retyped = _resign_issuer_jwt(
        ok, good.issuer_key, {"alg": "ES256", "typ": "JWT", "kid": kid}, lambda c: None
    )
    cases.append(Crafted("wrong_typ", _rebind(retyped, good.holder_key), keys, "wrong_type"))
    # A disclosure changed (18 -> 65, an age the holder has not reached): its digest is nowhere.
    salt, _, _ = json.loads(unb64url(disclosure))
    changed = b64url(compact_json([salt, "65", True]))
    base = f"{jwt}~{changed}~"
    cases.append(
        Crafted("modified_disclosure", base + _kb(good.holder_key, base), keys, "disclosure_not_referenced")
    )
    # The same disclosure twice.
    base = f"{jwt}~{disclosure}~{disclosure}~"
    cases.append(
        Crafted("repeated_disclosure", base + _kb(good.holder_key, base), keys, "disclosure_repeated")
    )
    # cnf present, no key binding at the end.
    cases.append(Crafted("no_key_binding", f"{jwt}~{disclosure}~", keys, "key_binding_missing"))
    # A key binding signed by someone else's key.
    base = f"{jwt}~{disclosure}~"
    cases.append(Crafted("foreign_key_binding", base + _kb(new_key(), base), keys, "key_binding_invalid"))
    # The key binding of another presentation (without the disclosure): sd_hash does not match.
    cases.append(
        Crafted("sd_hash", base + _kb(good.holder_key, base_no_disclosure), keys, "sd_hash_mismatch")
    )
    # A nonce ten minutes old.
    cases.append(
        Crafted("old_nonce", base + _kb(good.holder_key, base, iat=NOW - 600), keys, "nonce_outside_window")
    )
    # A nonce that does not match its iat's window (replaying an old nonce with a fresh iat).
    cases.append(
        Crafted(
            "nonce_not_iat",
            base + _kb(good.holder_key, base, nonce=qr_nonce(NOW - 600)),
            keys,
            "nonce_outside_window",
        )
    )
    # Another issuer's iss (signed with the right key, so only the issuer check can catch it).
    other = _resign_issuer_jwt(
        ok,
        good.issuer_key,
        {"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid},
        lambda c: c.update(iss="https://evil.example"),
    )
    cases.append(Crafted("other_issuer", _rebind(other, good.holder_key), keys, "unknown_issuer"))
    # Not an SD-JWT at all.
    cases.append(Crafted("garbage", "hello world", keys, "malformed"))
    return cases


def _rebind(text: str, holder: ec.EllipticCurvePrivateKey) -> str:
    """A fresh key binding over a changed presentation, so that only the change is wrong."""
    base = text.rsplit("~", 1)[0] + "~"
    return base + _kb(holder, base)
