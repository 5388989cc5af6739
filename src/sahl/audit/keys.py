"""The audit log's keys: each configured secret (SAHL_AUDIT_KEY, and the retired ones in
SAHL_AUDIT_OLD_KEYS) gives, by HKDF, a MAC key for the entries and an Ed25519 key for the
checkpoints. The database never holds them (docs/adr/0024-audit-mac-and-checkpoints.md)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHORTEST = 32  # characters of a secret: below this a key could be guessed offline from one MAC


@dataclass(frozen=True)
class AuditKey:
    key_id: str  # names the key without revealing it: a hash of the checkpoints' public key
    mac_key: bytes
    signer: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.signer.public_key()

    @property
    def public_text(self) -> str:
        """The raw Ed25519 public key in base64url, for whoever checks checkpoints by hand."""
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _derived(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


@lru_cache(maxsize=8)
def _key(secret: str) -> AuditKey:
    if len(secret) < SHORTEST:
        raise ImproperlyConfigured(f"an audit key must have at least {SHORTEST} characters")
    raw = secret.encode()
    signer = Ed25519PrivateKey.from_private_bytes(_derived(raw, b"sahl audit checkpoint ed25519 v1"))
    public = signer.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return AuditKey(
        key_id=hashlib.sha256(public).hexdigest()[:16],
        mac_key=_derived(raw, b"sahl audit entry hmac-sha256 v1"),
        signer=signer,
    )


def current() -> AuditKey:
    """The key new entries and checkpoints are made with."""
    return _key(settings.SAHL_AUDIT_KEY)


def known() -> dict[str, AuditKey]:
    """Every key this server can verify with, by key id: the current one and the retired ones."""
    found = {key.key_id: key for key in (_key(s.strip()) for s in settings.SAHL_AUDIT_OLD_KEYS)}
    now = current()
    return found | {now.key_id: now}
