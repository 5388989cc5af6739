"""Photos that are costly to decode but small to send, made byte by byte (no pixel buffer in the
test process), and a spy at the decode edge: every Pillow decode of a file goes through
`ImageFile.load`."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest
from PIL import ImageFile


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def solid_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one colour: every row filtered "Up" from a black first row, so the
    pixel data are all zeros and compress about a thousand times (6300 x 6300: about 115 KB)."""
    squeeze = zlib.compressobj(9)
    row = bytes(1 + 3 * width)  # filter byte 0 (none) for the first row, then 2 (Up)
    data = [squeeze.compress(row)]
    up = b"\x02" + bytes(3 * width)
    data += [squeeze.compress(up) for _ in range(height - 1)]
    data.append(squeeze.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", b"".join(data))
        + png_chunk(b"IEND", b"")
    )


class Decodes:
    """What the spy saw: the size of every image Pillow was asked to decode."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []


@contextmanager
def watching_decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Decodes]:
    seen = Decodes()
    load = ImageFile.ImageFile.load

    def spy(self: ImageFile.ImageFile):  # type: ignore[no-untyped-def]
        if self.tile:  # something left to decode (a loaded image has no tiles)
            seen.sizes.append(self.size)
        return load(self)

    with monkeypatch.context() as patched:
        patched.setattr(ImageFile.ImageFile, "load", spy)
        yield seen
