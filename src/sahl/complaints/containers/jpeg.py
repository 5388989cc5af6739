"""JPEG: how much work its structure asks of a decoder, counted before any decoder runs.

Pillow walks a JPEG's segments up to its first scan in Python, one byte at a time over fill
bytes and junk; libjpeg then runs every scan over every block of the image. Ten megabytes can
hold hundreds of thousands of empty segments or empty scans, each a few bytes to write and
each a pass for the reader: seconds to minutes of CPU for one photo (measured here: 2,000
empty scans over 24 megapixels, 3.4 s; 10 MB of empty APP1 segments, 2.9 s before a pixel is
read). The progressive-scan attack is cure53's LJT-01-004 on libjpeg-turbo, which leaves the
limit to the application. `check` walks the segments before the first scan in a bounded
number of steps and counts the scans after it (entropy-coded data never holds the bytes
FF DA: every FF in it is followed by 00 or a restart marker).
"""

from __future__ import annotations

import re

MAX_SEGMENTS = 256  # before the first scan; a phone's JPEG has about 15 (APPn, DQT, SOF, DHT)
MAX_SCANS = 100  # libjpeg's progressive script writes 10; a baseline JPEG has 1
MAX_STRAY = 1024  # fill bytes and junk between segments, which readers skip one at a time
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and RST0-7 carry no length
SOS, EOI = 0xDA, 0xD9
_FILL = re.compile(rb"\xff+")


class Unreadable(ValueError):
    """A JPEG whose structure asks for more work than a photo needs (the reason is for the logs)."""


def check(data: bytes) -> None:
    """Refuses a JPEG with too many segments before its first scan, too many scans, or too many
    stray bytes between segments; reads no pixel."""
    if data[:2] != b"\xff\xd8":
        raise Unreadable("no start of image")
    pos, segments, stray = 2, 0, 0
    while True:
        found = data.find(b"\xff", pos)
        if found < 0:
            raise Unreadable("no scan")
        fill = _FILL.match(data, found)
        end = fill.end() if fill else found + 1
        stray += (found - pos) + (end - found - 1)  # junk before the marker, fill bytes before its code
        if stray > MAX_STRAY:
            raise Unreadable("stray bytes between segments")
        if end >= len(data):
            raise Unreadable("no scan")
        marker, pos = data[end], end + 1
        if marker == 0x00:  # an escaped FF outside any scan: junk
            stray += 2
            continue
        segments += 1
        if segments > MAX_SEGMENTS:
            raise Unreadable("too many segments before the first scan")
        if marker in STANDALONE:
            continue
        if marker == EOI:
            raise Unreadable("no scan")
        if pos + 2 > len(data):
            raise Unreadable("truncated segment")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            raise Unreadable("segment length")
        if marker == SOS:
            if 1 + data.count(b"\xff\xda", pos) > MAX_SCANS:
                raise Unreadable("too many scans")
            return
        pos += length
