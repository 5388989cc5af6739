"""A bilingual (Arabic/English) A4 PDF for an issued document, with a QR code to verify it.

The door callers use: what a document holds is in pdf_content.py, how it is laid out in
pdf_layout.py, its lines in pdf_text.py, the file's bytes in pdf_file.py, and the Amiri font
(shipped in fonts/, OFL, so rendering never depends on what the host has installed) is read once
per process in pdf_fonts.py. Imports only go one way:
pdf -> pdf_layout -> pdf_file -> pdf_text -> pdf_fonts, pdf_content.
"""

from __future__ import annotations

from sahl.applications.pdf_content import PdfDocument

__all__ = ["PdfDocument", "render_pdf"]


def render_pdf(document: PdfDocument) -> bytes:
    """The document as PDF bytes. HarfBuzz, fontTools and the font load with the first document
    rendered, not in every web process at start."""
    from sahl.applications.pdf_layout import render

    return render(document)
