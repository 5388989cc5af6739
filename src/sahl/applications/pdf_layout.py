"""How an issued document is laid out on an A4 page with fpdf2 (see pdf_content.py for what it holds):
the agency's band, the title, the details table in both languages, and the verification QR code."""

from __future__ import annotations

import datetime as dt
import io

import segno
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, TableBordersLayout, VAlign, XPos, YPos
from fpdf.fonts import FontFace

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
    bidi_safe,
    is_arabic,
)
from sahl.applications.pdf_fonts import FONT, add_fonts
from sahl.core.languages import Wording, in_language


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        # Every page carries the reference, so a loose second page can still be matched.
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text}  ·  {self.page_no()}/{{nb}}", align=Align.C)


def render(document: PdfDocument) -> bytes:
    pdf = _Pdf(footer_text=document.reference)
    _set_metadata(pdf, document)
    add_fonts(pdf)  # prepared once per process (pdf_fonts)
    pdf.set_text_shaping(True)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    _header_band(pdf, document.agency)
    _title(pdf, document.title)
    _details_table(pdf, _rows(document))
    _verification(pdf, document)
    return bytes(pdf.output())


def _set_metadata(pdf: FPDF, document: PdfDocument) -> None:
    pdf.set_title(in_language(document.title, "en"))
    pdf.set_subject(document.reference)
    pdf.set_author("Sahl")
    pdf.set_creator("Sahl")
    pdf.set_lang("ar")
    # A fixed date (in UTC, not the server's zone) keeps the bytes a function of the input alone;
    # fpdf2 derives the file /ID from the content and this date.
    pdf.set_creation_date(dt.datetime.combine(document.issued_on, dt.time(0, 0), tzinfo=dt.UTC))


def _height(pdf: FPDF, width: float, line: float, text: str, align: Align) -> float:
    """Height `text` would take as a multi_cell, without drawing it."""
    height = pdf.multi_cell(width, line, text, align=align, dry_run=True, output=MethodReturnValue.HEIGHT)
    if not isinstance(height, float | int):  # fpdf2 types the result as a union of every output kind
        raise TypeError(f"unexpected multi_cell result {height!r}")
    return float(height)


def _header_band(pdf: FPDF, agency: Wording) -> None:
    # Measure first: the band is drawn under the text, and a long agency name wraps.
    pdf.set_font(FONT, "B", 14)
    half, line = pdf.epw / 2, 7
    texts = ((in_language(agency, "en"), Align.L), (bidi_safe(in_language(agency, "ar")), Align.R))
    heights = [_height(pdf, half - 2, line, text, align) for text, align in texts]
    pdf.set_fill_color(*BAND)
    pdf.rect(0, 0, pdf.w, max(26, max(heights) + 16), style="F")
    pdf.set_text_color(*WHITE)
    for (text, align), x in zip(texts, (pdf.l_margin, pdf.l_margin + half + 2), strict=True):
        pdf.set_xy(x, 8)
        pdf.multi_cell(half - 2, line, text, align=align)
    pdf.set_text_color(*INK)
    # Tables take their cell background from the current fill colour: reset it after the band.
    pdf.set_fill_color(*WHITE)
    pdf.set_y(max(32, max(heights) + 22))


def _title(pdf: FPDF, title: Wording) -> None:
    pdf.set_font(FONT, "B", 16)
    with pdf.table(
        col_widths=(1, 1),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.NONE,
        line_height=9,
        v_align=VAlign.T,
    ) as table:
        row = table.row()
        row.cell(in_language(title, "en"), align=Align.L)
        row.cell(bidi_safe(in_language(title, "ar")), align=Align.R)
    pdf.set_draw_color(*BAND)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.set_y(pdf.get_y() + 6)


# A row is (label, value). A value given as a plain str is shown once, as it is (a number, a
# date, an answer); any other is text in both languages, shown as English next to Arabic.
Row = tuple[Wording, Wording]


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


def _details_table(pdf: FPDF, rows: list[Row]) -> None:
    # English label | value (English | Arabic when bilingual) | Arabic label: each language reads
    # from its own edge of the page.
    pdf.set_font(FONT, size=11)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    label = FontFace(emphasis="BOLD", color=MUTED, fill_color=LABEL_FILL)
    with pdf.table(
        col_widths=(36, 54, 54, 36),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=6.5,
        padding=(1.5, 2),
        v_align=VAlign.M,
    ) as table:
        for name, value in rows:
            row = table.row()
            row.cell(in_language(name, "en"), align=Align.L, style=label)
            if isinstance(value, str):
                # Arabic values start at the right edge, Latin ones at the left.
                row.cell(bidi_safe(value), align=Align.R if is_arabic(value) else Align.L, colspan=2)
            else:
                row.cell(in_language(value, "en"), align=Align.L)
                row.cell(bidi_safe(in_language(value, "ar")), align=Align.R)
            row.cell(bidi_safe(in_language(name, "ar")), align=Align.R, style=label)


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


def _verification(pdf: FPDF, document: PdfDocument) -> None:
    size = 34
    if pdf.get_y() + 8 + size + 8 > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y() + 8
    pdf.image(_qr_png(document.verify_url), x=pdf.l_margin, y=top, w=size, h=size)
    pdf.set_xy(pdf.l_margin, top + size)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(size, 6, document.verification_code, align=Align.C)

    # Instructions beside the QR code: Arabic first, each language from its own edge.
    x = pdf.l_margin + size + 6
    width = pdf.w - pdf.r_margin - x
    pdf.set_y(top)
    for text, style, size_pt, align in (
        (in_language(VERIFY_HEADING, "ar"), "B", 11, Align.R),
        (in_language(VERIFY_HOW, "ar"), "", 10, Align.R),
        (in_language(VERIFY_HEADING, "en"), "B", 11, Align.L),
        (in_language(VERIFY_HOW, "en"), "", 10, Align.L),
        (document.verify_url, "B", 10, Align.L),
    ):
        pdf.set_font(FONT, style, size_pt)
        pdf.set_x(x)
        pdf.multi_cell(width, 5.5, bidi_safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
