"""The application PDF: Arabic text comes back in logical order, the QR code scans, bytes are stable."""

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from sahl.applications import pdf_fonts
from sahl.applications.pdf import PdfDocument, render_pdf
from sahl.applications.pdf_content import bidi_safe
from sahl.core.bilingual import BilingualText

# Direction marks, embeddings/overrides and isolates: invisible, and extractors add or keep them.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

LONG_SENTENCE = " ".join(["inspection"] * 28)[:300]


def make_document(**changes) -> PdfDocument:
    document = PdfDocument(
        title=BilingualText(ar="تجديد ترخيص المركبة", en="Vehicle registration renewal"),
        agency=BilingualText(ar="وزارة الداخلية", en="Ministry of Interior"),
        reference="SAHL-2026-000123",
        verification_code="7KQ2-M9XD-4TPA",
        verify_url="https://sahl.example.gov/verify/7KQ2-M9XD-4TPA",
        holder_name=BilingualText(ar="أحمد خالد المطيري", en="Ahmad Khalid Al-Mutairi"),
        holder_civil_id="285010112345",
        issued_on=dt.date(2026, 11, 28),
        valid_until=dt.date(2027, 11, 27),
        fields=(
            (BilingualText(ar="رقم اللوحة", en="Plate number"), "12/34567"),
            (BilingualText(ar="اللون", en="Colour"), "أبيض"),
            (BilingualText(ar="العنوان", en="Address"), "قطعة 4، شارع 12، منزل 7B، الجهراء"),
        ),
    )
    return dataclasses.replace(document, **changes)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_pdf(make_document())


def test_is_a_pdf(rendered):
    assert rendered.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(rendered)).pages) == 1


def test_arabic_name_comes_back_in_logical_order(rendered):
    text = text_of(rendered)
    assert "أحمد خالد المطيري" in text
    assert "وزارة الداخلية" in text
    assert "تجديد ترخيص المركبة" in text


def test_latin_details_are_present(rendered):
    text = text_of(rendered)
    for expected in (
        "Ahmad Khalid Al-Mutairi",
        "SAHL-2026-000123",
        "7KQ2-M9XD-4TPA",
        "285010112345",
        "2026-11-28",
        "2027-11-27",
        "Ministry of Interior",
        "12/34567",
    ):
        assert expected in text


def test_no_expiry_is_said_in_both_languages():
    text = text_of(render_pdf(make_document(valid_until=None)))
    assert "Does not expire" in text
    assert "لا تنتهي صلاحيتها" in text


def test_metadata(rendered):
    info = PdfReader(io.BytesIO(rendered)).metadata
    assert info is not None
    assert info.title == "Vehicle registration renewal"
    assert info.author == "Sahl"
    assert info.creation_date == dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def test_same_input_gives_the_same_bytes(rendered):
    assert render_pdf(make_document()) == rendered


def test_different_input_gives_different_bytes(rendered):
    assert render_pdf(make_document(reference="SAHL-2026-000124")) != rendered


@pytest.mark.parametrize("value", [LONG_SENTENCE, "X" * 300], ids=["words", "one-token"])
def test_a_long_value_wraps_onto_several_lines(value):
    assert len(value) == 300
    label = BilingualText(ar="ملاحظات", en="Notes")
    text = text_of(render_pdf(make_document(fields=((label, value),))))
    # Every piece of the value is on its own line, none holds it all, and nothing is lost.
    pieces = [line.strip() for line in text.splitlines() if line.strip() and set(line.strip()) <= set(value)]
    assert len(pieces) > 2
    assert max(len(p) for p in pieces) < 120
    assert "".join(pieces).replace(" ", "") == value.replace(" ", "")


def test_qr_code_decodes_to_the_verify_url(rendered, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg not installed (Debian package zbar-tools)")
    images = PdfReader(io.BytesIO(rendered)).pages[0].images
    assert len(images) == 1
    png = tmp_path / "qr.png"
    images[0].image.save(png)
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "https://sahl.example.gov/verify/7KQ2-M9XD-4TPA"


def test_latin_runs_inside_arabic_are_isolated():
    assert bidi_safe("رقم الطلب SAHL-2026-000123.") == "رقم الطلب \u2066SAHL-2026-000123\u2069."
    assert bidi_safe("منزل 7B، شارع 12") == "منزل \u20667B\u2069، شارع \u206612\u2069"
    assert bidi_safe("SAHL-2026-000123") == "SAHL-2026-000123"  # no Arabic: left alone


def test_fonts_ship_with_the_module():
    fonts = Path(pdf_fonts.__file__).resolve().parent / "fonts"
    assert fonts == pdf_fonts.FONTS
    for name in ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "OFL.txt"):
        assert (fonts / name).is_file()
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text()


def test_the_font_is_read_once_per_process_not_per_document(monkeypatch):
    """Parsing Amiri's ~6,800 glyphs, metrics and names was most of a document's CPU time."""
    from fontTools.ttLib.tables import _g_l_y_f, _h_m_t_x, _p_o_s_t
    from fpdf.fonts import TTFFont

    render_pdf(make_document())  # the process's first document prepares the font
    reads: list[str] = []

    def counting(name, original):
        def wrapper(*args, **kwargs):
            reads.append(name)
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(TTFFont, "__init__", counting("font file", TTFFont.__init__))
    for table in (_g_l_y_f.table__g_l_y_f, _h_m_t_x.table__h_m_t_x, _p_o_s_t.table__p_o_s_t):
        monkeypatch.setattr(table, "decompile", counting(table.__name__, table.decompile))

    first = render_pdf(make_document(reference="SAHL-2026-000200"))
    second = render_pdf(make_document(holder_name=BilingualText(ar="سارة علي", en="Sara Ali")))

    assert reads == []
    assert "سارة علي" in text_of(second)
    assert "SAHL-2026-000200" in text_of(first)
