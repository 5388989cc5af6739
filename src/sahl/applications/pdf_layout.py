"""How an issued document is laid out on A4 (see pdf_content.py for what it holds): the agency's band,
the title, the details table in both languages, the verification QR code, and a footer with the
reference on every page. Measures are in millimetres, as on paper; the canvas takes points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno

from sahl.applications import pdf_fonts, pdf_text
from sahl.applications.pdf_content import (
    BAND,
    CIVIL_ID,
    INK,
    ISSUED_ON,
    LABEL_FILL,
    MUTED,
    NAME,
    NO_EXPIRY,
    REFERENCE,
    RULE,
    VALID_UNTIL,
    VERIFY_HEADING,
    VERIFY_HOW,
    WHITE,
    PdfDocument,
    is_arabic,
)
from sahl.applications.pdf_file import Canvas, Colour, Image, PdfFile
from sahl.core.languages import Wording, in_language

MM = 72 / 25.4
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN, BOTTOM = 15.0, 18.0
EPW = PAGE_W - 2 * MARGIN
COLUMNS = (36.0, 54.0, 54.0, 36.0)  # English label | value (English | Arabic) | Arabic label
PAD_X, PAD_Y, ROW_LINE = 2.0, 1.5, 6.5
QR = 34.0

# A row is (label, value). A value given as a plain str is shown once, as it is (a number, a
# date, an answer); any other is text in both languages, shown as English next to Arabic.
Row = tuple[Wording, Wording]


@dataclass(frozen=True)
class _Text:
    text: str
    bold: bool = False
    size: float = 11
    colour: Colour = INK


def render(document: PdfDocument) -> bytes:
    page = _Pages()
    _header_band(page, document.agency)
    _title(page, document.title)
    _details_table(page, _rows(document))
    _verification(page, document)
    page.footers(document.reference)
    return page.file.output(
        title=in_language(document.title, "en"),
        subject=document.reference,
        author="Sahl",
        language="ar",
        # A fixed date (in UTC, not the server's zone) keeps the bytes a function of the input alone.
        created=dt.datetime.combine(document.issued_on, dt.time(0, 0), tzinfo=dt.UTC),
    )


class _Pages:
    """The pages so far and where the next thing goes (y, mm from the top of the current page)."""

    def __init__(self) -> None:
        self.file = PdfFile(PAGE_W * MM, PAGE_H * MM)
        self.canvas = self.file.add_page()
        self.y = MARGIN

    def room_for(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.canvas = self.file.add_page()
            self.y = MARGIN

    def lines(self, text: _Text, width: float) -> list[pdf_text.Line]:
        face = pdf_fonts.face("B" if text.bold else "")
        units = face.metrics.units * width * MM / text.size
        return pdf_text.lines(face, text.text, int(units))

    def height(self, text: _Text, width: float, line: float) -> float:
        return len(self.lines(text, width)) * line

    def write(self, text: _Text, x: float, top: float, width: float, line: float, align: str) -> float:
        """Draw `text` in a box `width` wide from `top`, aligned L, R or C; its height."""
        face = pdf_fonts.face("B" if text.bold else "")
        found = self.lines(text, width)
        for number, each in enumerate(found):
            wide = each.width * text.size / face.metrics.units / MM
            left = x if align == "L" else x + width - wide if align == "R" else x + (width - wide) / 2
            baseline = top + number * line + line / 2 + 0.3 * text.size / MM
            self.canvas.text(face, text.size, left * MM, baseline * MM, each, text.colour)
        return len(found) * line

    def rect(self, x: float, y: float, w: float, h: float, fill: Colour) -> None:
        self.canvas.rect(x * MM, y * MM, w * MM, h * MM, fill)

    def rule(self, x1: float, y: float, x2: float, colour: Colour, width: float) -> None:
        self.canvas.line(x1 * MM, y * MM, x2 * MM, y * MM, colour, width * MM)

    def footers(self, reference: str) -> None:
        # Every page carries the reference, so a loose second page can still be matched.
        pages: list[Canvas] = self.file.pages
        for number, canvas in enumerate(pages, start=1):
            self.canvas = canvas
            footer = _Text(f"{reference}  ·  {number}/{len(pages)}", size=8, colour=MUTED)
            self.write(footer, MARGIN, PAGE_H - 12, EPW, 5, "C")


def _header_band(page: _Pages, agency: Wording) -> None:
    # Measure first: the band is drawn under the text, and a long agency name wraps.
    half, line = EPW / 2, 7.0
    texts = (
        (_Text(in_language(agency, "en"), bold=True, size=14, colour=WHITE), MARGIN, "L"),
        (_Text(in_language(agency, "ar"), bold=True, size=14, colour=WHITE), MARGIN + half + 2, "R"),
    )
    tallest = max(page.height(text, half - 2, line) for text, _, _ in texts)
    page.rect(0, 0, PAGE_W, max(26, tallest + 16), BAND)
    for text, x, align in texts:
        page.write(text, x, 8, half - 2, line, align)
    page.y = max(32, tallest + 22)


def _title(page: _Pages, title: Wording) -> None:
    half, line = EPW / 2, 9.0
    english = _Text(in_language(title, "en"), bold=True, size=16)
    arabic = _Text(in_language(title, "ar"), bold=True, size=16)
    height = max(
        page.write(english, MARGIN + 1, page.y, half - 2, line, "L"),
        page.write(arabic, MARGIN + half + 1, page.y, half - 2, line, "R"),
    )
    page.y += height
    page.rule(MARGIN, page.y + 2, PAGE_W - MARGIN, BAND, 0.6)
    page.y += 6


def _rows(document: PdfDocument) -> list[Row]:
    valid: Wording = document.valid_until.isoformat() if document.valid_until else NO_EXPIRY
    return [
        (NAME, document.holder_name),
        (CIVIL_ID, document.holder_civil_id),
        (REFERENCE, document.reference),
        (ISSUED_ON, document.issued_on.isoformat()),
        (VALID_UNTIL, valid),
        *document.fields,
    ]


def _cells(name: Wording, value: Wording) -> list[tuple[_Text, float, str, bool]]:
    """(text, width, alignment, is a label) from left to right: each language reads from its own
    edge of the page."""
    english_label = _Text(in_language(name, "en"), bold=True, colour=MUTED)
    arabic_label = _Text(in_language(name, "ar"), bold=True, colour=MUTED)
    first, middle, _, last = COLUMNS
    if isinstance(value, str):
        # Arabic values start at the right edge, Latin ones at the left.
        values = [(_Text(value), middle * 2, "R" if is_arabic(value) else "L", False)]
    else:
        values = [
            (_Text(in_language(value, "en")), middle, "L", False),
            (_Text(in_language(value, "ar")), middle, "R", False),
        ]
    return [(english_label, first, "L", True), *values, (arabic_label, last, "R", True)]


def _details_table(page: _Pages, rows: list[Row]) -> None:
    for name, value in rows:
        cells = _cells(name, value)
        heights = [page.height(text, width - 2 * PAD_X, ROW_LINE) for text, width, _, _ in cells]
        row_height = max(heights) + 2 * PAD_Y
        page.room_for(row_height)
        x = MARGIN
        for (text, width, align, label), height in zip(cells, heights, strict=True):
            if label:
                page.rect(x, page.y, width, row_height, LABEL_FILL)
            top = page.y + (row_height - height) / 2  # each cell's text in the middle of the row
            page.write(text, x + PAD_X, top, width - 2 * PAD_X, ROW_LINE, align)
            x += width
        page.rule(MARGIN, page.y, PAGE_W - MARGIN, RULE, 0.2)
        page.rule(MARGIN, page.y + row_height, PAGE_W - MARGIN, RULE, 0.2)
        page.y += row_height


def qr_image(url: str) -> Image:
    """The QR code at 8 pixels a module with the standard's 4-module quiet zone: each module is one
    byte of the image's rows."""
    matrix = segno.make(url, error="m", micro=False).matrix
    modules = len(matrix) + 8
    blank = b"\xff" * modules
    quiet = b"\xff" * 4
    rows = (
        [blank] * 4
        + [quiet + bytes(0 if dark else 0xFF for dark in row) + quiet for row in matrix]
        + [blank] * 4
    )
    return Image(modules * 8, modules * 8, b"".join(row * 8 for row in rows))


def _verification(page: _Pages, document: PdfDocument) -> None:
    page.room_for(8 + QR + 8)
    top = page.y + 8
    page.canvas.image(qr_image(document.verify_url), MARGIN * MM, top * MM, QR * MM, QR * MM)
    page.write(_Text(document.verification_code, bold=True), MARGIN, top + QR, QR, 6, "C")

    # Instructions beside the QR code: Arabic first, each language from its own edge.
    x = MARGIN + QR + 6
    width = PAGE_W - MARGIN - x
    y = top
    for text, align in (
        (_Text(in_language(VERIFY_HEADING, "ar"), bold=True), "R"),
        (_Text(in_language(VERIFY_HOW, "ar"), size=10), "R"),
        (_Text(in_language(VERIFY_HEADING, "en"), bold=True), "L"),
        (_Text(in_language(VERIFY_HOW, "en"), size=10), "L"),
        (_Text(document.verify_url, bold=True, size=10), "L"),
    ):
        y += page.write(text, x, y, width, 5.5, align)
    page.y = max(y, top + QR + 6)
