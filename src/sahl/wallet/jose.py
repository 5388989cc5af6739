"""Just enough JOSE for Sahl's credentials: base64url, P-256 JWKs and ES256 compact JWS.

Only ES256 exists here on purpose: an allow-list of one algorithm cannot be talked into `none`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

ALG = "ES256"


class JoseError(ValueError):
    """A token that is not what it claims to be; `code` says what is wrong."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    if not isinstance(text, str) or not text or any(c not in _B64URL for c in text) or len(text) % 4 == 1:
        raise JoseError("malformed")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


def key_from_jwk(jwk: Any) -> ec.EllipticCurvePublicKey:
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        raise JoseError("bad_key")
    try:
        x = int.from_bytes(unb64url(jwk["x"]), "big")
        y = int.from_bytes(unb64url(jwk["y"]), "big")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, ValueError) as e:
        raise JoseError("bad_key") from e


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order."""
    canonical = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    return b64url(hashlib.sha256(compact_json(canonical)).digest())


def sign(private: ec.EllipticCurvePrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    signing_input = f"{b64url(compact_json(header))}.{b64url(compact_json(payload))}"
    der = private.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass(frozen=True)
class Jws:
    """A compact JWS split and decoded, signature not yet checked."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def verify(self, key: ec.EllipticCurvePublicKey) -> None:
        if len(self.signature) != 64:
            raise JoseError("bad_signature")
        der = encode_dss_signature(
            int.from_bytes(self.signature[:32], "big"), int.from_bytes(self.signature[32:], "big")
        )
        try:
            key.verify(der, self.signing_input, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as e:
            raise JoseError("bad_signature") from e


def parse(token: str, typ: str) -> Jws:
    """Split a compact JWS and refuse, before any signature work, a wrong `alg` or `typ`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise JoseError("malformed")
    try:
        header = json.loads(unb64url(parts[0]))
        payload = json.loads(unb64url(parts[1]))
    except (ValueError, UnicodeDecodeError) as e:
        raise JoseError("malformed") from e
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("malformed")
    if header.get("alg") != ALG:
        raise JoseError("alg_not_allowed")
    if header.get("typ") != typ:
        raise JoseError("wrong_type")
    if "crit" in header:
        raise JoseError("malformed")
    return Jws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), unb64url(parts[2]))
