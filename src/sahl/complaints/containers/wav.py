"""WAV (RIFF WAVE): its format, its length, and a copy holding only the sound.

A WAV file is a list of chunks. Only `fmt ` (the format), `fact` (the sample count some
formats need) and `data` (the sound) are kept; `LIST`/`INFO` (title, artist, software, date),
`id3 `, `bext` (the broadcast extension's originator, date and time), `iXML`, `cue ` and the
rest are dropped by writing a new file from the kept chunks.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

KEPT = (b"fmt ", b"fact", b"data")
# Formats whose length is simply the data size over the byte rate: PCM, IEEE float, A-law,
# mu-law, and WAVE_FORMAT_EXTENSIBLE (which wraps one of them).
FORMATS = frozenset({0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE})


class Unreadable(ValueError):
    """The bytes are not a WAV file this reader can vouch for (the reason is for the logs)."""


@dataclass(frozen=True)
class Wav:
    channels: int
    sample_rate: int
    duration_seconds: float
    stripped: bytes


def read(data: bytes) -> Wav:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise Unreadable("no RIFF WAVE header")
    chunks: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        kind, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        if kind == b"data":
            # Recorders that stream write 0 or 0xFFFFFFFF here; the sound is then what follows.
            if size in (0, 0xFFFFFFFF) or len(body) < size:
                body = data[pos + 8 :]
                size = len(body)
        elif len(body) < size:
            raise Unreadable(f"chunk {kind!r} runs past the end")
        if kind in KEPT:
            if kind in chunks:
                raise Unreadable(f"two {kind!r} chunks")
            chunks[kind] = body
        pos += 8 + size + (size & 1)  # chunks are padded to an even length
    if b"fmt " not in chunks or b"data" not in chunks:
        raise Unreadable("no fmt or no data chunk")
    fmt = chunks[b"fmt "]
    if len(fmt) < 16:
        raise Unreadable("fmt chunk too short")
    tag, channels, rate, byte_rate, block_align, _bits = struct.unpack_from("<HHIIHH", fmt)
    if tag not in FORMATS or not 1 <= channels <= 8 or not 1000 <= rate <= 384_000:
        raise Unreadable(f"format {tag:#x}, {channels} channels, {rate} Hz")
    if byte_rate != rate * block_align or block_align == 0:
        raise Unreadable("byte rate does not match the sample rate and block size")
    body = b"".join(_chunk(kind, chunks[kind]) for kind in KEPT if kind in chunks)
    stripped = b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body
    return Wav(channels, rate, len(chunks[b"data"]) / byte_rate, stripped)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")
