"""The Amiri font, prepared once per process and lent to every document rendered in it.

fpdf2's `add_font` parses the whole font file (its metrics, its character map, its outlines) for
every document, and writing a document subsets the font in place, so the parsed font cannot simply
be kept. What is kept instead: the parsed font's metrics and maps (read only while a document is
laid out), its HarfBuzz face (shaping reads it, never writes it), the font file's bytes without
the OpenType layout tables (HarfBuzz shapes from the file itself; the embedded subset leaves them
out anyway), and the large tables of those bytes decoded once (each glyph's outline bytes, the
metrics, the glyph names). Each document gets its own copy of the font object with a fresh subset
and fresh table objects made from what was kept (a glyph object only for the glyphs its subset
reads), so what one document writes never reaches another. Shaped text widths are shared too
(`_Amiri`). See ADR 0045.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fontTools.ttLib.tables._g_l_y_f import Glyph as _Glyph
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "Amiri"
STYLES = {"": "Amiri-Regular.ttf", "B": "Amiri-Bold.ttf"}
# Read only by HarfBuzz, which shapes from the font file itself: the subset never embeds them.
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "DSIG")

# Widths of shaped texts, shared by every document of the process: fpdf2's line breaking shapes a
# text again for each character it adds, and a table measures each cell before drawing it, so the
# same (text, size, direction) comes back many times within a document and across documents (the
# labels, the instructions, the agency). Cleared when full rather than kept in order.
_WIDTHS_KEPT = 50_000
_widths: dict[tuple[object, ...], tuple[int, float]] = {}


class _Amiri(TTFFont):
    __slots__ = ()

    def shaped_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        params = text_shaping_params or {}
        key = (
            self.fontkey,
            text,
            font_size_pt,
            params.get("fragment_direction"),
            params.get("script"),
            params.get("language"),
            tuple(sorted((params.get("features") or {}).items())),
        )
        width = _widths.get(key)
        if width is None:
            width = super().shaped_text_width(text, font_size_pt, text_shaping_params)
            if len(_widths) >= _WIDTHS_KEPT:
                _widths.clear()
            _widths[key] = width
        return width


class _Glyphs(dict[str, Any]):
    """A document's outlines, each made from the prepared bytes when the subsetter first reads it.

    Parsing every glyph of the file (about 6,800) for each document cost more than the rest of
    its subset; a document reads a few hundred. Each document gets its own glyph objects, because
    the subsetter rewrites the ones it keeps (component numbers, padding)."""

    def __init__(self, data: dict[str, bytes]) -> None:
        super().__init__()
        self._data = data

    def __missing__(self, name: str) -> Any:
        glyph = self[name] = _Glyph(self._data[name])
        return glyph

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class _Prepared:
    font: TTFFont  # parsed once: metrics, character map, HarfBuzz face
    outlines: bytes  # the file without its layout tables, read afresh for each document's subset
    glyph_order: tuple[str, ...]
    glyphs: dict[str, bytes]  # each glyph's outline as stored in the file
    metrics: dict[str, tuple[int, int]]  # advance width and left side bearing, by glyph
    post: Any  # the decoded 'post' table (glyph names), copied for each document


def _fresh_tables(kept: _Prepared) -> ttLib.TTFont:
    """The outline font for one document: the large tables a subset reads (outlines, metrics,
    glyph names) come from what was decoded once; the small ones are read from the bytes."""
    font = ttLib.TTFont(io.BytesIO(kept.outlines), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    order = list(kept.glyph_order)
    font.setGlyphOrder(order)
    glyf = ttLib.newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = _Glyphs(kept.glyphs)
    glyf._reverseGlyphOrder = {}
    font["glyf"] = glyf
    hmtx = ttLib.newTable("hmtx")
    hmtx.metrics = dict(kept.metrics)
    font["hmtx"] = hmtx
    font["post"] = copy.copy(kept.post)  # the subsetter replaces its attributes, never edits them
    return font


_prepared: dict[str, _Prepared] = {}
_lock = threading.Lock()


def _prepare(style: str) -> _Prepared:
    path = FONTS / STYLES[style]
    font = _Amiri(FPDF(), path, f"{FONT.lower()}{style}", style)
    font.hbfont  # noqa: B018  (the HarfBuzz face, built now rather than by the first document)
    parsed = ttLib.TTFont(path, recalcTimestamp=False)
    for tag in _LAYOUT_TABLES:
        if tag in parsed:
            del parsed[tag]
    buffer = io.BytesIO()
    parsed.save(buffer)
    outlines = buffer.getvalue()
    parsed = ttLib.TTFont(io.BytesIO(outlines), recalcTimestamp=False, recalcBBoxes=False)
    order = tuple(parsed.getGlyphOrder())
    glyf = parsed["glyf"]
    glyphs = {name: bytes(getattr(glyf.glyphs[name], "data", b"")) for name in order}
    return _Prepared(font, outlines, order, glyphs, dict(parsed["hmtx"].metrics), parsed["post"])


def prepared(style: str) -> _Prepared:
    if style not in _prepared:
        with _lock:  # threads of one web process share it (payment receipts render in requests)
            if style not in _prepared:
                _prepared[style] = _prepare(style)
    return _prepared[style]


def add_fonts(pdf: FPDF) -> None:
    """What `pdf.add_font(FONT, style, file)` does for each style, from the prepared fonts."""
    for style in STYLES:
        kept = prepared(style)
        font = copy.copy(kept.font)
        font.i = len(pdf.fonts) + 1
        font.ttfont = _fresh_tables(kept)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.cw = copy.copy(kept.font.cw)  # a defaultdict: reading an unknown character writes it
        pdf.fonts[font.fontkey] = font
