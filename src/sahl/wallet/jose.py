"""Sahl's JOSE profile on joserfc: ES256 compact JWS over P-256 keys, and nothing else.

joserfc signs, verifies, imports JWKs and computes thumbprints. What stays here is the profile
(docs/adr/0015-wallet-jose-on-joserfc.md): an allow-list of one algorithm, checked before any
signature work, the `typ` each token must carry, no `crit` extensions, and one `JoseError` code
for each way a token can be wrong, which the verifier's page and API translate.

Keys cross this module's border as `cryptography` keys: that is how keys.py keeps them (encrypted
PKCS#8) and how the tests make their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import errors, jws
from joserfc.jwk import ECKey
from joserfc.util import urlsafe_b64decode, urlsafe_b64encode

from sahl.core import untrusted

ALG = "ES256"
# The registry that signs and verifies: ES256 only, so `none` and HS256 never reach a key. Header
# members joserfc does not know are left alone, as the profile leaves them.
_REGISTRY = jws.JWSRegistry(algorithms=[ALG], strict_check_header=False)
_JWK_MEMBERS = ("kty", "crv", "x", "y")  # in the order Sahl has always written them


class JoseError(ValueError):
    """A token that is not what it claims to be; `code` says what is wrong."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).decode("ascii")


def unb64url(text: str) -> bytes:
    """Unpadded base64url, canonical only (RFC 7515, section 2); anything else is `malformed`."""
    if not isinstance(text, str) or not text:
        raise JoseError("malformed")
    try:
        return urlsafe_b64decode(text.encode("ascii"))
    except ValueError as e:  # binascii.Error, and UnicodeEncodeError for non-ASCII text
        raise JoseError("malformed") from e


def compact_json(value: Any) -> bytes:
    """The JSON Sahl signs and discloses: no spaces, UTF-8 rather than escapes (QR codes are small)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    exported = ECKey.import_key(key).as_dict(private=False)
    return {name: str(exported[name]) for name in _JWK_MEMBERS}


def _jwk_key(jwk: Any) -> ECKey:
    """A P-256 public JWK as joserfc's key; private keys and other curves are `bad_key`. Members
    beyond the four that make the key (`use`, `alg`, `kid`...) are not the key's business here."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
        raise JoseError("bad_key")
    try:
        return ECKey.import_key({name: jwk[name] for name in _JWK_MEMBERS})
    except (KeyError, TypeError, ValueError, errors.JoseError) as e:  # ValueError: a point off the curve
        raise JoseError("bad_key") from e


def key_from_jwk(jwk: Any) -> ec.EllipticCurvePublicKey:
    return _jwk_key(jwk).public_key


def thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638, the JWK's SHA-256 thumbprint."""
    return _jwk_key(jwk).thumbprint()


def sign(private: ec.EllipticCurvePrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    return jws.serialize_compact(header, compact_json(payload), ECKey.import_key(private), registry=_REGISTRY)


@dataclass(frozen=True)
class Jws:
    """A compact JWS split and decoded, signature not yet checked."""

    header: dict[str, Any]
    payload: dict[str, Any]
    token: str

    def verify(self, key: ec.EllipticCurvePublicKey) -> None:
        try:
            jws.deserialize_compact(self.token, ECKey.import_key(key), registry=_REGISTRY)
        except (errors.BadSignatureError, errors.DecodeError) as e:
            raise JoseError("bad_signature") from e
        except errors.JoseError as e:  # a header member of the wrong type, a header over 512 bytes
            raise JoseError("malformed") from e


def parse(token: str, typ: str) -> Jws:
    """Split a compact JWS and refuse, before any signature work, a wrong `alg` or `typ`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise JoseError("malformed")
    try:
        header = untrusted.loads(unb64url(parts[0]))
        payload = untrusted.loads(unb64url(parts[1]))
    except ValueError as e:  # JoseError, JSONDecodeError and UnicodeDecodeError alike
        raise JoseError("malformed") from e
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JoseError("malformed")
    if header.get("alg") != ALG:
        raise JoseError("alg_not_allowed")
    if header.get("typ") != typ:
        raise JoseError("wrong_type")
    if "crit" in header:  # Sahl understands no extension, so none can be critical (RFC 7515, 4.1.11)
        raise JoseError("malformed")
    unb64url(parts[2])  # an empty or damaged signature is malformed, not merely wrong
    return Jws(header, payload, token)
