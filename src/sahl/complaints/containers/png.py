"""PNG: how many chunks a decoder would walk, counted before any decoder runs.

Pillow reads a PNG chunk by chunk in Python, before the pixels (text, unknown chunks) and
while decoding them (IDAT): 10 MB of empty chunks cost it about 2 s, measured here, for an
image of a few pixels. `check` walks the chunk headers, at most `MAX_CHUNKS` of them.
"""

from __future__ import annotations

import struct

# libpng writes IDAT in 8 KB chunks (1,280 for a 10 MB photo) and Pillow in 64 KB ones;
# a few ancillary chunks come before them.
MAX_CHUNKS = 4096
SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Unreadable(ValueError):
    """A PNG whose structure asks for more work than a photo needs (the reason is for the logs)."""


def check(data: bytes) -> None:
    """Refuses a PNG of more than `MAX_CHUNKS` chunks up to its end (IEND); reads no pixel."""
    if not data.startswith(SIGNATURE):
        raise Unreadable("no PNG signature")
    pos, chunks = len(SIGNATURE), 0
    while pos + 8 <= len(data):
        chunks += 1
        if chunks > MAX_CHUNKS:
            raise Unreadable("too many chunks")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if kind == b"IEND":
            return
        pos += 12 + length  # length, type, data, CRC
