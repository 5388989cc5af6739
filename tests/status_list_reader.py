"""A reader of IETF Token Status Lists, written from the draft for the tests: it reads what
Sahl's status list token says about one credential, as a verifier would."""

from __future__ import annotations

import zlib
from typing import Any

from sahl.wallet.jose import JoseError, unb64url

MAX_BYTES = 16 * 1024 * 1024  # a decompression bomb stops here


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
