"""A paragraph of a document, broken into lines that fit a width, each line's runs in visual order.

A paragraph holding Arabic reads right to left; the Latin letters and the digits in it (a plate
number, a house number, a reference) are runs of their own that read left to right, as Unicode
isolates (U+2066, U+2069) around them make them read in a browser. A paragraph without Arabic is one left-to-right run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sahl.applications.pdf_content import is_arabic
from sahl.applications.pdf_fonts import Face, Shaped

# What reads left to right inside Arabic: a run of Latin letters or digits (Western or Arabic-Indic),
# possibly holding inner punctuation or spaces, that starts and ends on one (so sentence punctuation
# stays with the Arabic around it).
_LEFT_TO_RIGHT = re.compile(
    r"[0-9A-Za-z\u0660-\u0669\u06f0-\u06f9]"
    r"(?:[0-9A-Za-z\u0660-\u0669\u06f0-\u06f9\-/.:_+@#%&=?~ ]*[0-9A-Za-z\u0660-\u0669\u06f0-\u06f9])?"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Line:
    runs: tuple[Shaped, ...]  # left to right as drawn
    width: int  # font units


def lines(face: Face, text: str, width: int) -> list[Line]:
    """`text` broken at spaces into lines no wider than `width` (font units); a word wider than
    that is broken between characters."""
    rtl = is_arabic(text)
    words = [word for word in _SPACES.split(text.strip()) if word]
    space = face.shape(" ", rtl).width
    found: list[Line] = []
    current: list[str] = []
    used = 0
    for word in words:
        for piece in _pieces(face, word, rtl, width):
            wide = _width(face, piece, rtl)
            if current and used + space + wide > width:
                found.append(_line(face, " ".join(current), rtl))
                current, used = [], 0
            used += (space if current else 0) + wide
            current.append(piece)
    if current or not found:
        found.append(_line(face, " ".join(current), rtl))
    return found


def _pieces(face: Face, word: str, rtl: bool, width: int) -> list[str]:
    if _width(face, word, rtl) <= width:
        return [word]
    pieces, start = [], 0
    for end in range(1, len(word) + 1):
        if end - start > 1 and _width(face, word[start:end], rtl) > width:
            pieces.append(word[start : end - 1])
            start = end - 1
    pieces.append(word[start:])
    return pieces


def _width(face: Face, text: str, rtl: bool) -> int:
    return sum(run.width for run in _runs(face, text, rtl))


def _line(face: Face, text: str, rtl: bool) -> Line:
    runs = _runs(face, text, rtl)
    if rtl:
        runs.reverse()  # each run is in visual order already; right to left they follow the text
    return Line(tuple(runs), sum(run.width for run in runs))


def _runs(face: Face, text: str, rtl: bool) -> list[Shaped]:
    if not rtl:
        return [face.shape(text, rtl=False)]
    runs: list[Shaped] = []
    at = 0
    for match in _LEFT_TO_RIGHT.finditer(text):
        if match.start() > at:
            runs.append(face.shape(text[at : match.start()], rtl=True))
        runs.append(face.shape(match.group(0), rtl=False))
        at = match.end()
    if at < len(text):
        runs.append(face.shape(text[at:], rtl=True))
    return runs
