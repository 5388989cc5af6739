"""HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530), for
deliveries to agencies. Pure functions: the sender (Sahl) and any verifier use the same base."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LABEL = "sahl"
COVERED = ("@method", "@target-uri", "content-type", "content-digest", "sahl-event-id")
MAX_SKEW_SECONDS = 300


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_pem: str
    public_raw: str  # base64url, no padding (the JWK `x`)


def new_key(prefix: str) -> KeyPair:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(f"{prefix}-{secrets.token_hex(4)}", pem, b64url(raw))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def content_digest(body: bytes) -> str:
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


def _params(created: int, kid: str) -> str:
    names = " ".join(f'"{name}"' for name in COVERED)
    return f'({names});created={created};keyid="{kid}";alg="ed25519"'


def signature_base(method: str, url: str, headers: Mapping[str, str], params: str) -> bytes:
    """RFC 9421 section 2.5: one line per covered component, then the signature parameters."""
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    lines = []
    for name in COVERED:
        if name == "@method":
            value = method.upper()
        elif name == "@target-uri":
            value = url
        else:
            value = lower[name]
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


def sign(method: str, url: str, body: bytes, event_id: str, key: KeyPair, created: int) -> dict[str, str]:
    """The headers of a signed delivery."""
    headers = {
        "Content-Type": "application/json",
        "Content-Digest": content_digest(body),
        "Sahl-Event-Id": event_id,
    }
    params = _params(created, key.kid)
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    signature = private.sign(signature_base(method, url, headers, params))
    headers["Signature-Input"] = f"{LABEL}={params}"
    headers["Signature"] = f"{LABEL}=:{base64.b64encode(signature).decode()}:"
    return headers


class SignatureRefused(Exception):
    """Why a signed request is not to be trusted (for a verifier's answer)."""


def verify(
    method: str, url: str, headers: Mapping[str, str], body: bytes, keys: Mapping[str, str], now: int
) -> str:
    """Check a delivery's signature against public keys (kid -> base64url raw); returns the kid."""
    lower = {k.lower(): v for k, v in headers.items()}
    signature_input, signature = lower.get("signature-input", ""), lower.get("signature", "")
    if not signature_input.startswith(f"{LABEL}=") or not signature.startswith(f"{LABEL}=:"):
        raise SignatureRefused("missing signature")
    params = signature_input[len(LABEL) + 1 :]
    expected_names = params.split(")", 1)[0].lstrip("(").split()
    if tuple(n.strip('"') for n in expected_names) != COVERED or 'alg="ed25519"' not in params:
        raise SignatureRefused("unexpected covered components or algorithm")
    fields = dict(part.split("=", 1) for part in params.split(")", 1)[1].split(";") if "=" in part)
    kid = fields.get("keyid", "").strip('"')
    if kid not in keys:
        raise SignatureRefused("unknown key")
    try:
        created = int(fields.get("created", ""))
    except ValueError:
        raise SignatureRefused("no creation time") from None
    if abs(now - created) > MAX_SKEW_SECONDS:
        raise SignatureRefused("signature too old or from the future")
    if lower.get("content-digest", "") != content_digest(body):
        raise SignatureRefused("content digest does not match the body")
    public = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(keys[kid] + "=" * (-len(keys[kid]) % 4))
    )
    raw = base64.b64decode(signature[len(LABEL) + 2 : -1])
    try:
        public.verify(raw, signature_base(method, url, headers, params))
    except InvalidSignature:
        raise SignatureRefused("signature does not verify") from None
    return kid
