"""The Amiri font, read once per process: shaping with HarfBuzz, and each document's embedded subset.

What a document costs was mostly fpdf2 (its tables laid every cell out twice, its subsetter parsed
and rewrote the font for each document); see ADR 0072. What is kept per process instead: the font
file's HarfBuzz face, each glyph's outline bytes and advance, and the small tables an embedded
TrueType program needs. A document's subset keeps the glyph numbers of the file (the PDF maps
character ids to glyphs one to one), holds the outlines of the glyphs it draws (and the parts
composite glyphs are built from) and leaves every other glyph empty: no glyph is renumbered, so no
composite glyph is rewritten, and the subset is a few table copies and one join.
"""

from __future__ import annotations

import hashlib
import itertools
import struct
import sys
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb
from fontTools import ttLib

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "Amiri"
STYLES = {"": "Amiri-Regular.ttf", "B": "Amiri-Bold.ttf"}

# Composite glyph flags (OpenType 'glyf'): which fields follow a component's glyph number.
_ARG_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x0001, 0x0008, 0x0020, 0x0040, 0x0080
# Tables an embedded TrueType program needs (PDF 32000-1, 9.9); the rest are the viewer's business.
_KEPT_TABLES = ("cvt ", "fpgm", "prep")

# Shaped texts, shared by every document of the process: the labels, the instructions and the
# agencies come back in every document. Cleared when full rather than kept in order.
_SHAPED_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class Glyph:
    gid: int
    advance: int  # where the pen goes next, in font units (1/1000 of the size for Amiri)
    x_offset: int
    y_offset: int
    text: str  # the characters it stands for, in logical order ("" for a second glyph of one)


@dataclass(frozen=True, slots=True)
class Shaped:
    glyphs: tuple[Glyph, ...]  # in visual order, left to right
    width: int  # font units


@dataclass(frozen=True)
class Metrics:
    units: int
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    stem_v: int


class Face:
    """One style of Amiri: shapes text, tells a glyph's width, and writes a document's subset."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name  # e.g. Amiri-Bold
        data = path.read_bytes()
        self._hb = hb.Font(hb.Face(hb.Blob(data)))
        font = ttLib.TTFont(path, lazy=True)
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        self.metrics = Metrics(
            units=head.unitsPerEm,
            ascent=hhea.ascent,
            descent=hhea.descent,
            cap_height=getattr(os2, "sCapHeight", hhea.ascent),
            bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
            stem_v=165 if os2.usWeightClass >= 600 else 87,
        )
        self._count = font["maxp"].numGlyphs
        order = font.getGlyphOrder()
        metrics = font["hmtx"].metrics
        self.advances = tuple(metrics[name][0] for name in order)
        self._lsb = tuple(metrics[name][1] for name in order)
        reader = font.reader
        glyf = reader["glyf"]
        offsets = font["loca"].locations
        # Each outline padded to four bytes, as the subset's glyph table lays them end to end.
        self._outlines = tuple(
            glyf[offsets[i] : offsets[i + 1]] + b"\0" * (-(offsets[i + 1] - offsets[i]) % 4)
            for i in range(self._count)
        )
        self._tables = {tag: reader[tag] for tag in ("head", "hhea", "maxp", *_KEPT_TABLES) if tag in reader}
        self._parts: dict[int, tuple[int, ...]] = {}
        self._shaped: dict[tuple[str, bool], Shaped] = {}

    def shape(self, text: str, rtl: bool) -> Shaped:
        key = (text, rtl)
        shaped = self._shaped.get(key)
        if shaped is None:
            shaped = self._shape(text, rtl)
            if len(self._shaped) >= _SHAPED_KEPT:
                self._shaped.clear()
            self._shaped[key] = shaped
        return shaped

    def _shape(self, text: str, rtl: bool) -> Shaped:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.direction = "rtl" if rtl else "ltr"
        # A mark keeps a cluster of its own rather than joining its letter's: its glyph then stands for
        # its own character when the text is copied out of the document.
        buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
        buffer.guess_segment_properties()
        hb.shape(self._hb, buffer, {})
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        # A cluster's characters run from its start to the next cluster's start in logical order;
        # its first glyph stands for them (for text extraction), any other for nothing.
        starts = sorted({info.cluster for info in infos})
        ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
        told: set[int] = set()
        glyphs = []
        for info, position in zip(infos, positions, strict=True):
            cluster = info.cluster
            said = "" if cluster in told else text[cluster : ends[cluster]]
            told.add(cluster)
            glyphs.append(
                Glyph(info.codepoint, position.x_advance, position.x_offset, position.y_offset, said)
            )
        return Shaped(tuple(glyphs), sum(g.advance for g in glyphs))

    def parts(self, gid: int) -> tuple[int, ...]:
        """The glyph and, for a composite glyph, every glyph it is built from."""
        found = self._parts.get(gid)
        if found is None:
            found = (gid, *(part for child in _components(self._outlines[gid]) for part in self.parts(child)))
            self._parts[gid] = found
        return found

    def subset(self, used: Iterable[int]) -> bytes:
        """A TrueType program with the outlines of `used` (and glyph 0), every other glyph empty."""
        kept = {0}
        for gid in used:
            kept.update(self.parts(gid))
        kept_in_order = sorted(kept)
        sizes = [0] * self._count
        hmtx = bytearray(4 * self._count)  # every glyph not kept: no advance, no bearing
        for gid in kept_in_order:
            sizes[gid] = len(self._outlines[gid])
            struct.pack_into(">Hh", hmtx, 4 * gid, self.advances[gid], self._lsb[gid])
        glyf = b"".join(self._outlines[gid] for gid in kept_in_order)
        loca = _big_endian(array("I", itertools.accumulate(sizes, initial=0)))
        head = bytearray(self._tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set once the whole file is known
        head[50:52] = struct.pack(">h", 1)  # long offsets in loca
        hhea = bytearray(self._tables["hhea"])
        hhea[34:36] = struct.pack(">H", self._count)  # every glyph has its own metrics here
        tables = {
            **{tag: data for tag, data in self._tables.items() if tag in _KEPT_TABLES},
            "glyf": glyf,
            "head": bytes(head),
            "hhea": bytes(hhea),
            "hmtx": bytes(hmtx),
            "loca": loca,
            "maxp": self._tables["maxp"],
        }
        return _font_file(tables)

    def subset_tag(self, used: Iterable[int]) -> str:
        """Six capital letters naming the subset (PDF 32000-1, 9.6.4), the same for the same glyphs."""
        digest = hashlib.sha256(",".join(map(str, sorted(used))).encode()).digest()
        return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _components(outline: bytes) -> list[int]:
    if len(outline) < 10 or struct.unpack_from(">h", outline)[0] >= 0:
        return []
    found, at = [], 10
    while True:
        flags, gid = struct.unpack_from(">HH", outline, at)
        found.append(gid)
        at += 4 + (4 if flags & _ARG_WORDS else 2)
        at += 8 if flags & _TWO_BY_TWO else 4 if flags & _XY_SCALE else 2 if flags & _SCALE else 0
        if not flags & _MORE:
            return found


def _big_endian(numbers: array[int]) -> bytes:
    if sys.byteorder == "little":
        numbers.byteswap()
    return numbers.tobytes()


def _checksum(data: bytes) -> int:
    numbers = array("I", data + b"\0" * (-len(data) % 4))
    if sys.byteorder == "little":
        numbers.byteswap()
    return sum(numbers) & 0xFFFFFFFF


def _font_file(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(
        ">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    directory, body = bytearray(), bytearray()
    offset = 12 + 16 * count
    for tag in tags:
        data = tables[tag]
        directory += struct.pack(
            ">4sIII", tag.encode("latin-1"), _checksum(data), offset + len(body), len(data)
        )
        body += data + b"\0" * (-len(data) % 4)
    whole = bytearray(header + directory + body)
    head_at = offset + sum(len(tables[tag]) + (-len(tables[tag]) % 4) for tag in tags[: tags.index("head")])
    struct.pack_into(">I", whole, head_at + 8, (0xB1B0AFBA - _checksum(bytes(whole))) & 0xFFFFFFFF)
    return bytes(whole)


_faces: dict[str, Face] = {}
_lock = threading.Lock()


def face(style: str) -> Face:
    """The style's face ("" or "B"), read from its file by the first document of the process."""
    found = _faces.get(style)
    if found is None:
        with _lock:  # threads of one web process share it (payment receipts render in requests)
            found = _faces.get(style)
            if found is None:
                found = _faces[style] = Face(
                    f"{FONT}-{'Bold' if style else 'Regular'}", FONTS / STYLES[style]
                )
    return found
