"""HMAC-SHA256 signatures over canonical JSON, for messages between Sahl and systems it trusts
with a shared secret (the payment gateway). Canonical: sorted keys, no spaces, UTF-8."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(payload: dict[str, Any], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(payload), hashlib.sha256).hexdigest()


def verify(payload: dict[str, Any], signature: str, secret: str) -> bool:
    return hmac.compare_digest(sign(payload, secret), signature or "")
