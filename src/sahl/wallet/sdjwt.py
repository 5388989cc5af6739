"""SD-JWT (RFC 9901) as SD-JWT VC uses it: issuing, presenting with key binding, verifying.

Pure functions over keys and text; where keys and status lists come from is the caller's business
(services online, the cached copies offline). Every refusal is a `JoseError` with a code that the
verifier's page and API translate (docs/wallet-qr-profile.md, "Verifying").
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from cryptography.hazmat.primitives.asymmetric import ec

from sahl.core import untrusted
from sahl.wallet.jose import JoseError, b64url, compact_json, key_from_jwk, parse, public_jwk, sign, unb64url

TYP = "dc+sd-jwt"
KB_TYP = "kb+jwt"
SD_ALG = "sha-256"
LEEWAY = 60  # seconds of clock difference tolerated on nbf, exp and iat
# SD-JWT VC: these are never selectively disclosable.
PLAIN_ONLY = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd", "_sd_alg", "..."}
)


def digest(disclosure: str) -> str:
    # UTF-8, not ASCII: a forged non-ASCII part must be refused as malformed, not crash the verifier.
    return b64url(hashlib.sha256(disclosure.encode("utf-8", "surrogatepass")).digest())


def _integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON true is not a time


def disclosure(name: str, value: Any) -> str:
    return b64url(compact_json([b64url(secrets.token_bytes(16)), name, value]))


def issue(
    private: ec.EllipticCurvePrivateKey,
    kid: str,
    plain: Mapping[str, Any],
    disclosable: Mapping[str, Any],
    nested: Mapping[str, Mapping[str, Any]] | None = None,
    compact: bool = False,
) -> str:
    """An SD-JWT `<jwt>~<disclosure>~...~`: `plain` claims as they are, each of `disclosable` its own
    disclosure, and each `nested` object kept plain with each of its members disclosable.
    `compact` (the QR profile) leaves out what has a default: an empty `_sd`, `_sd_alg`."""
    if forbidden := PLAIN_ONLY & (set(disclosable) | set(nested or {})):
        raise ValueError(f"claims that must stay plain: {sorted(forbidden)}")
    payload = dict(plain)
    disclosures: list[str] = []

    def conceal(members: Mapping[str, Any]) -> list[str]:
        made = [disclosure(name, value) for name, value in members.items()]
        disclosures.extend(made)
        return sorted(digest(d) for d in made)  # sorted: the order must not give the claims away

    for name, members in (nested or {}).items():
        payload[name] = {"_sd": conceal(members)}
    if disclosable or not compact:
        payload["_sd"] = conceal(disclosable)
    if not compact:
        payload["_sd_alg"] = SD_ALG
    jwt = sign(private, {"alg": "ES256", "typ": TYP, "kid": kid}, payload)
    return "~".join([jwt, *disclosures]) + "~"


@dataclass(frozen=True)
class Parts:
    jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str  # "" when the presentation ends with "~"

    @property
    def without_kb(self) -> str:
        return "~".join([self.jwt, *self.disclosures]) + "~"


def split(text: str) -> Parts:
    text = text.strip()
    pieces = text.split("~")
    if len(pieces) < 2 or not pieces[0]:
        raise JoseError("malformed")
    disclosures = tuple(pieces[1:-1])
    if any(not d for d in disclosures):
        raise JoseError("malformed")
    return Parts(pieces[0], disclosures, pieces[-1])


def decode_disclosure(text: str) -> list[Any]:
    try:
        value = untrusted.loads(unb64url(text))
    except (ValueError, UnicodeDecodeError) as e:
        raise JoseError("disclosure_malformed") from e
    if not isinstance(value, list) or len(value) != 3 or not isinstance(value[1], str):
        raise JoseError("disclosure_malformed")  # array elements (2 items) are not used by Sahl
    if value[1] in PLAIN_ONLY:
        raise JoseError("disclosure_malformed")
    return value


def claim_names(sd_jwt: str) -> dict[str, str]:
    """Each disclosure of an SD-JWT by the path of the claim it reveals (`age_equal_or_over.18`)."""
    parts = split(sd_jwt)
    payload = parse(parts.jwt, TYP).payload
    where = dict.fromkeys(payload.get("_sd", []), "")
    for name, value in payload.items():
        if isinstance(value, dict):
            where.update(dict.fromkeys(value.get("_sd", []), f"{name}."))
    named = {}
    for d in parts.disclosures:
        named[where.get(digest(d), "?") + decode_disclosure(d)[1]] = d
    return named


def present(
    sd_jwt: str,
    keep: Iterable[str],
    holder: ec.EllipticCurvePrivateKey,
    aud: str,
    nonce: str,
    iat: int,
) -> str:
    """The holder's presentation: only the disclosures named in `keep` (claim paths), then a KB-JWT."""
    named = claim_names(sd_jwt)
    chosen = [named[path] for path in keep]
    base = "~".join([split(sd_jwt).jwt, *chosen]) + "~"
    kb = sign(
        holder,
        {"alg": "ES256", "typ": KB_TYP},
        {"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": digest(base)},
    )
    return base + kb


# --- Verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """What the verifier expects of the key-binding JWT: its audience and which nonces it accepts."""

    audience: str
    nonce_ok: Callable[[str, int], bool]  # (nonce, the KB-JWT's iat) -> accepted


@dataclass(frozen=True)
class Verified:
    """A presentation whose signatures and digests all hold. `claims` are only the disclosed ones."""

    header: dict[str, Any]
    payload: dict[str, Any]
    claims: dict[str, Any] = field(default_factory=dict)
    timing: str = "valid"  # valid | not_yet_valid | expired

    @property
    def status_reference(self) -> tuple[str, int] | None:
        ref = (
            self.payload.get("status", {}).get("status_list")
            if isinstance(self.payload.get("status"), dict)
            else None
        )
        if not isinstance(ref, dict) or not isinstance(ref.get("uri"), str) or not _integer(ref.get("idx")):
            return None
        return ref["uri"], ref["idx"]


def verify(
    text: str,
    issuer: str,
    keys: Mapping[str, ec.EllipticCurvePublicKey],
    binding: Binding,
    now: int,
) -> Verified:
    """Check a presentation against Sahl's keys in the order the profile lists; the first failure
    raises. Validity times do not raise: a genuine expired document is still worth telling apart."""
    parts = split(text)
    jws = parse(parts.jwt, TYP)
    payload = jws.payload
    if payload.get("iss") != issuer:
        raise JoseError("unknown_issuer")
    key = keys.get(str(jws.header.get("kid", "")))
    if key is None:
        raise JoseError("unknown_key")
    jws.verify(key)
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise JoseError("malformed")
    claims = _disclosed(payload, parts.disclosures)
    if "cnf" in payload:
        _check_binding(parts, payload["cnf"], binding, now)
    elif parts.kb_jwt:
        raise JoseError("key_binding_invalid")
    return Verified(jws.header, payload, claims, _timing(payload, now))


def _disclosed(payload: dict[str, Any], disclosures: tuple[str, ...]) -> dict[str, Any]:
    """The plain claims (without the SD machinery) plus what each disclosure reveals, placed where
    its digest sits. A disclosure whose digest is nowhere, or twice, is refused."""
    places: dict[str, dict[str, Any]] = {}
    claims: dict[str, Any] = {}
    for name, value in payload.items():
        if name in ("_sd", "_sd_alg"):
            continue
        if isinstance(value, dict) and "_sd" in value:
            inner = {k: v for k, v in value.items() if k != "_sd"}
            claims[name] = inner
            places.update(dict.fromkeys(_digests(value["_sd"]), inner))
        else:
            claims[name] = value
    places.update(dict.fromkeys(_digests(payload.get("_sd", [])), claims))
    seen: set[str] = set()
    for text in disclosures:
        h = digest(text)
        if h in seen:
            raise JoseError("disclosure_repeated")
        seen.add(h)
        target = places.get(h)
        _, name, value = decode_disclosure(text)
        if target is None:
            raise JoseError("disclosure_not_referenced")
        if name in target:
            raise JoseError("disclosure_repeated")
        target[name] = value
    return claims


def _digests(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise JoseError("malformed")
    return value


def _check_binding(parts: Parts, cnf: Any, binding: Binding, now: int) -> None:
    if not parts.kb_jwt:
        raise JoseError("key_binding_missing")
    try:
        holder = key_from_jwk(cnf.get("jwk") if isinstance(cnf, dict) else None)
        kb = parse(parts.kb_jwt, KB_TYP)
    except JoseError as e:
        raise JoseError("alg_not_allowed" if e.code == "alg_not_allowed" else "key_binding_invalid") from e
    try:
        kb.verify(holder)
    except JoseError as e:
        raise JoseError("key_binding_invalid") from e
    claims = kb.payload
    if claims.get("sd_hash") != digest(parts.without_kb):
        raise JoseError("sd_hash_mismatch")
    if claims.get("aud") != binding.audience:
        raise JoseError("key_binding_invalid")
    iat = claims.get("iat")
    if not _integer(iat) or iat > now + LEEWAY:
        raise JoseError("key_binding_invalid")
    if not binding.nonce_ok(str(claims.get("nonce", "")), iat):
        raise JoseError("nonce_outside_window")


def _timing(payload: dict[str, Any], now: int) -> str:
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if _integer(nbf) and nbf > now + LEEWAY:
        return "not_yet_valid"
    if _integer(exp) and exp <= now - LEEWAY:
        return "expired"
    return "valid"


# --- The QR profile's nonce: a time window ----------------------------------------------------

QR_AUDIENCE = "sahl:qr"
WINDOW = 60  # seconds per nonce window


def qr_binding(now: int) -> Binding:
    """Accept windows from two before the verifier's clock to one after, and an iat inside its own."""
    current = now // WINDOW

    def ok(nonce: str, iat: int) -> bool:
        if not (nonce.isascii() and nonce.isdigit()):  # "²" and Arabic-Indic digits are not windows
            return False
        window = int(nonce)
        return current - 2 <= window <= current + 1 and iat // WINDOW == window

    return Binding(QR_AUDIENCE, ok)


def holder_jwk(private: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    return public_jwk(private.public_key())
