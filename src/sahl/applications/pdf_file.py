"""The bytes of a PDF (PDF 32000-1): pages drawn on a canvas, the Amiri subsets they use as Type 0
fonts with their text for extraction, images, and the document's information.

A page is drawn from its top-left corner in points, as a layout thinks; the canvas turns that into
PDF's bottom-left coordinates. Everything written is a function of what was drawn, so the same
document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sahl.applications.pdf_fonts import Face, Glyph
from sahl.applications.pdf_text import Line

Colour = tuple[int, int, int]


@dataclass
class _FontUse:
    """A face as one document uses it. Each glyph drawn gets a character id of its own for each text
    it stands for: in a right-to-left run the glyph of ")" stands for "(" (Unicode's mirroring), and
    a glyph only the second of its cluster stands for nothing; one id a glyph could tell only one."""

    face: Face
    resource: str
    cids: dict[tuple[int, str], int] = field(default_factory=dict)  # (glyph, text) -> its id, from 1

    def cid(self, glyph: Glyph) -> int:
        key = (glyph.gid, glyph.text)
        found = self.cids.get(key)
        if found is None:
            found = self.cids[key] = len(self.cids) + 1
        return found


@dataclass(frozen=True)
class Image:
    """A 1-bit grey image: rows of packed bits, 1 white, 0 black."""

    width: int
    height: int
    bits: bytes


class Canvas:
    def __init__(self, document: PdfFile) -> None:
        self._document = document
        self._height = document.height
        self.ops: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: Colour) -> None:
        self.ops.append(f"{_rgb(fill)} rg {_n(x)} {_n(self._height - y - h)} {_n(w)} {_n(h)} re f")

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: Colour, width: float) -> None:
        y1, y2 = self._height - y1, self._height - y2
        self.ops.append(f"{_rgb(colour)} RG {_n(width)} w {_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l S")

    def text(self, face: Face, size: float, x: float, baseline: float, line: Line, colour: Colour) -> None:
        if not line.runs:
            return
        use = self._document.font(face)
        shown = [_shown(use, run.glyphs, size) for run in line.runs]
        self.ops.append(
            f"BT /{use.resource} {_n(size)} Tf {_rgb(colour)} rg {_n(x)} {_n(self._height - baseline)} Td "
            f"{' '.join(shown)} ET"
        )

    def image(self, image: Image, x: float, y: float, w: float, h: float) -> None:
        name = self._document.image(image)
        self.ops.append(f"q {_n(w)} 0 0 {_n(h)} {_n(x)} {_n(self._height - y - h)} cm /{name} Do Q")


class PdfFile:
    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.pages: list[Canvas] = []
        self._fonts: dict[str, _FontUse] = {}
        self._images: list[Image] = []

    def add_page(self) -> Canvas:
        canvas = Canvas(self)
        self.pages.append(canvas)
        return canvas

    def font(self, face: Face) -> _FontUse:
        use = self._fonts.get(face.name)
        if use is None:
            use = self._fonts[face.name] = _FontUse(face, f"F{len(self._fonts) + 1}")
        return use

    def image(self, image: Image) -> str:
        self._images.append(image)
        return f"I{len(self._images)}"

    def output(self, *, title: str, subject: str, author: str, language: str, created: dt.datetime) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes | str) -> int:
            objects.append(body.encode("latin-1") if isinstance(body, str) else body)
            return len(objects)

        def stream(data: bytes, entries: str = "") -> int:
            packed = zlib.compress(data, 6)
            return add(
                b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(packed), entries.encode())
                + packed
                + b"\nendstream"
            )

        catalog = add("")  # filled in below, once the pages' number is known
        pages = add("")
        fonts = {use.resource: _font_objects(use, add, stream) for use in self._fonts.values()}
        images = {
            f"I{i}": stream(
                image.bits,
                f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                "/ColorSpace /DeviceGray /BitsPerComponent 1",
            )
            for i, image in enumerate(self._images, start=1)
        }
        resources = "<< /Font << {} >> /XObject << {} >> >>".format(
            " ".join(f"/{name} {number} 0 R" for name, number in fonts.items()),
            " ".join(f"/{name} {number} 0 R" for name, number in images.items()),
        )
        kids = []
        for canvas in self.pages:
            contents = stream("\n".join(canvas.ops).encode("latin-1"))
            kids.append(
                add(
                    f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {_n(self.width)} {_n(self.height)}] "
                    f"/Resources {resources} /Contents {contents} 0 R >>"
                )
            )
        objects[pages - 1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
        )
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R /Lang {_text(language)} >>".encode()
        stamp = created.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ")
        info = add(
            f"<< /Title {_text(title)} /Subject {_text(subject)} /Author {_text(author)} "
            f"/Creator (Sahl) /CreationDate ({stamp}) >>"
        )
        return _assemble(objects, catalog, info)


def _assemble(objects: list[bytes], catalog: int, info: int) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    identity = hashlib.md5(out, usedforsecurity=False).hexdigest().upper()
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R "
        f"/ID [<{identity}> <{identity}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _font_objects(use: _FontUse, add: Callable[[str], int], stream: Callable[[bytes, str], int]) -> int:
    face = use.face
    used = sorted({gid for gid, _ in use.cids})
    by_cid = sorted((cid, gid, text) for (gid, text), cid in use.cids.items())
    metrics = face.metrics
    scale = 1000 / metrics.units
    name = f"{face.subset_tag(used)}+{face.name}"
    program = face.subset(used)
    font_file = stream(program, f"/Length1 {len(program)}")
    descriptor = add(
        f"<< /Type /FontDescriptor /FontName /{name} /Flags 4 "
        f"/FontBBox [{' '.join(str(round(v * scale)) for v in metrics.bbox)}] /ItalicAngle 0 "
        f"/Ascent {round(metrics.ascent * scale)} /Descent {round(metrics.descent * scale)} "
        f"/CapHeight {round(metrics.cap_height * scale)} /StemV {metrics.stem_v} /FontFile2 {font_file} 0 R >>"
    )
    widths = " ".join(f"{cid} [{round(face.advances[gid] * scale)}]" for cid, gid, _ in by_cid)
    # Character id -> glyph: 0 is .notdef, then each id's glyph in the file's own numbering.
    to_glyph = stream(struct.pack(f">{len(by_cid) + 1}H", 0, *(gid for _, gid, _ in by_cid)), "")
    cid_font = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW 0 /W [{widths}] /CIDToGIDMap {to_glyph} 0 R >>"
    )
    to_unicode = stream(_to_unicode([(cid, text) for cid, _, text in by_cid]).encode("ascii"), "")
    return add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
    )


def _to_unicode(texts: list[tuple[int, str]]) -> str:
    # An id standing for nothing still has an entry (a zero-width space): without one, extractors
    # make up a character from its number.
    pairs = [(cid, text or "\u200b") for cid, text in texts]
    blocks = []
    for start in range(0, len(pairs), 100):  # at most 100 entries a block (PDF 32000-1, 9.10.3)
        chunk = pairs[start : start + 100]
        entries = "\n".join(f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for cid, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{entries}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


def _shown(use: _FontUse, glyphs: tuple[Glyph, ...], size: float) -> str:
    """The glyphs as TJ operators: each glyph where HarfBuzz put it, marks raised with Ts."""
    face = use.face
    scale = 1000 / face.metrics.units
    shown: list[str] = []
    parts: list[str] = []
    run: list[str] = []
    rise = 0

    def close_run() -> None:
        if run:
            parts.append(f"<{''.join(run)}>")
            run.clear()

    for glyph in glyphs:
        gid = glyph.gid
        if glyph.y_offset != rise:
            close_run()
            if parts:
                shown.append(f"[{' '.join(parts)}] TJ")
                parts.clear()
            rise = glyph.y_offset
            shown.append(f"{_n(rise * scale * size / 1000)} Ts")
        if glyph.x_offset:
            close_run()
            parts.append(_n(-glyph.x_offset * scale))
        run.append(f"{use.cid(glyph):04X}")
        rest = glyph.advance - glyph.x_offset - face.advances[gid]
        if rest:
            close_run()
            parts.append(_n(-rest * scale))
    close_run()
    if parts:
        shown.append(f"[{' '.join(parts)}] TJ")
    if rise:
        shown.append("0 Ts")
    return " ".join(shown)


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _rgb(colour: Colour) -> str:
    return " ".join(_n(part / 255) for part in colour)


def _text(value: str) -> str:
    """A PDF text string: literal when plain ASCII, UTF-16BE with its byte order mark otherwise."""
    if value.isascii() and value.isprintable():
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return f"<FEFF{value.encode('utf-16-be').hex().upper()}>"
