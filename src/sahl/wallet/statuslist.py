"""IETF Token Status List: statuses packed `bits` to a status, lowest bits first, ZLIB-compressed.

Pure: building and reading the `status_list` object. Signing it is status.py's work.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from sahl.wallet.jose import JoseError, b64url, unb64url

VALID, REVOKED, SUSPENDED = 0, 1, 2  # REVOKED is the draft's "INVALID"
NAMES = {VALID: "valid", REVOKED: "revoked", SUSPENDED: "suspended"}
BITS = 2
MAX_BYTES = 16 * 1024 * 1024  # a decompression bomb stops here


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


def decode(status_list: Any) -> tuple[int, bytes]:
    """The `bits` and the raw bytes of a `status_list` object; anything odd is refused."""
    if not isinstance(status_list, dict) or status_list.get("bits") not in (1, 2, 4, 8):
        raise JoseError("status_list_malformed")
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(unb64url(status_list.get("lst", "")), MAX_BYTES)
    except zlib.error as e:
        raise JoseError("status_list_malformed") from e
    if inflater.unconsumed_tail:
        raise JoseError("status_list_malformed")
    return int(status_list["bits"]), data


def status_at(status_list: Any, index: int) -> int:
    bits, data = decode(status_list)
    per_byte = 8 // bits
    if not 0 <= index < len(data) * per_byte:
        raise JoseError("status_index_outside")
    return (data[index // per_byte] >> (bits * (index % per_byte))) & ((1 << bits) - 1)
