"""IETF Token Status List: statuses packed `bits` to a status, lowest bits first, ZLIB-compressed.

Pure: building the `status_list` object. Signing it is status.py's work; reading it is the
verifiers' (the browser's verify.js, and the tests' own reader).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from sahl.wallet.jose import b64url

VALID, REVOKED, SUSPENDED = 0, 1, 2  # REVOKED is the draft's "INVALID"
NAMES = {VALID: "valid", REVOKED: "revoked", SUSPENDED: "suspended"}
BITS = 2


def pack(statuses: Mapping[int, int], size: int, bits: int = BITS) -> bytes:
    """`size` statuses, all valid except those given (index -> value)."""
    per_byte = 8 // bits
    data = bytearray((size + per_byte - 1) // per_byte)
    for index, value in statuses.items():
        if not 0 <= index < size or not 0 <= value < (1 << bits):
            raise ValueError(f"status {value} at {index} does not fit")
        data[index // per_byte] |= value << (bits * (index % per_byte))
    return bytes(data)


def encode(statuses: Mapping[int, int], size: int, bits: int = BITS) -> dict[str, Any]:
    return {"bits": bits, "lst": b64url(zlib.compress(pack(statuses, size, bits), 9))}
