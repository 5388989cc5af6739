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
from sahl.applications.pdf_text import lines
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


def test_latin_runs_inside_arabic_read_left_to_right():
    """A reference or a house number inside Arabic is a run of its own, shaped left to right, and
    the runs follow each other from the right; a text without Arabic is one run."""
    face = pdf_fonts.face("")

    def runs(text: str) -> list[str]:
        [line] = lines(face, text, 100_000)
        return ["".join(g.text for g in run.glyphs) for run in line.runs]

    assert runs("رقم الطلب SAHL-2026-000123.") == [".", "SAHL-2026-000123", "رقم الطلب "[::-1]]
    assert runs("منزل 7B، شارع 12") == ["12", "، شارع "[::-1], "7B", "منزل "[::-1]]
    assert runs("SAHL-2026-000123 A") == ["SAHL-2026-000123 A"]


def test_fonts_ship_with_the_module():
    fonts = Path(pdf_fonts.__file__).resolve().parent / "fonts"
    assert fonts == pdf_fonts.FONTS
    for name in ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "OFL.txt"):
        assert (fonts / name).is_file()
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text()


def test_the_font_is_read_once_per_process_not_per_document(monkeypatch):
    """Parsing Amiri's ~6,800 glyphs, metrics and names was most of a document's CPU time."""
    from fontTools import ttLib

    render_pdf(make_document())  # the process's first document reads the font
    reads: list[str] = []

    def counting(name, original):
        def wrapper(*args, **kwargs):
            reads.append(name)
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(ttLib.TTFont, "__init__", counting("font file", ttLib.TTFont.__init__))
    monkeypatch.setattr(pdf_fonts.Face, "__init__", counting("face", pdf_fonts.Face.__init__))

    first = render_pdf(make_document(reference="SAHL-2026-000200"))
    second = render_pdf(make_document(holder_name=BilingualText(ar="سارة علي", en="Sara Ali")))

    assert reads == []
    assert "سارة علي" in text_of(second)
    assert "SAHL-2026-000200" in text_of(first)


def test_texts_shaped_for_one_document_serve_the_next(monkeypatch):
    """The labels, the instructions and the agency are shaped once a process; a document shapes
    only what is its own (here the name, the reference and the verification address)."""
    render_pdf(make_document())
    shaped: list[str] = []
    original = pdf_fonts.Face._shape

    def counting(self, text, rtl):
        shaped.append(text)
        return original(self, text, rtl)

    monkeypatch.setattr(pdf_fonts.Face, "_shape", counting)
    render_pdf(
        make_document(
            reference="SAHL-2026-000777",
            holder_name=BilingualText(ar="نورة", en="Noura"),
            verify_url="https://sahl.example.gov/verify/ZZZZ-YYYY-XXXX",
        )
    )
    assert shaped
    assert all(
        any(part in text for part in ("000777", "نورة", "Noura", "ZZZZ", "1/1")) or text == "·"
        for text in shaped
    ), shaped


def test_the_file_is_well_formed_and_its_font_a_valid_subset(rendered):
    """pypdf in strict mode reads the cross-reference table at its offsets; fontTools checks every
    table's checksum of the embedded program, which keeps the file's glyph numbers and holds only
    the outlines drawn."""
    from fontTools import ttLib

    reader = PdfReader(io.BytesIO(rendered), strict=True)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) == 2  # regular and bold
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        assert re.fullmatch(r"/[A-Z]{6}\+Amiri-(Regular|Bold)", font["/BaseFont"])
        cid_font = font["/DescendantFonts"][0].get_object()
        program = cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        parsed = ttLib.TTFont(io.BytesIO(program), checkChecksums=2)
        full = ttLib.TTFont(pdf_fonts.FONTS / pdf_fonts.STYLES["B" if "Bold" in font["/BaseFont"] else ""])
        names, full_names = parsed.getGlyphOrder(), full.getGlyphOrder()
        assert len(names) == len(full_names)  # the same numbers: CIDToGIDMap /Identity
        drawn = [gid for gid, name in enumerate(names) if parsed["glyf"][name].numberOfContours]
        assert 10 < len(drawn) < 300
        for gid in drawn:  # each outline is the font's own at that number
            ours, theirs = parsed["glyf"][names[gid]], full["glyf"][full_names[gid]]
            assert ours.getCoordinates(parsed["glyf"])[0] == theirs.getCoordinates(full["glyf"])[0]
    assert len(rendered) < 60_000


def test_many_rows_flow_onto_a_second_page_each_with_the_reference():
    label = BilingualText(ar="بند", en="Item")
    fields = tuple((label, f"value-{n:02d}") for n in range(40))
    data = render_pdf(make_document(fields=fields))
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2
    texts = [_BIDI_CONTROLS.sub("", page.extract_text()) for page in pages]
    assert "SAHL-2026-000123" in texts[0] and "1/2" in texts[0]
    assert "SAHL-2026-000123" in texts[1] and "2/2" in texts[1]
    joined = "\n".join(texts)
    assert all(f"value-{n:02d}" in joined for n in range(40))
    assert "7KQ2-M9XD-4TPA" in texts[1]  # the verification block follows the table


def test_an_arabic_name_with_its_marks_keeps_every_letter():
    name = "مُحَمَّد عَلِيّ"
    text = text_of(render_pdf(make_document(holder_name=BilingualText(ar=name, en="Muhammad Ali"))))
    letters = {c for c in name if not unicodedata.combining(c) and c != " "}
    line = next(line for line in text.splitlines() if "Muhammad Ali" in line)
    assert letters <= set(line)
    assert not re.search("[\u0900-\u1fff]", line)  # nothing made up from a glyph's number
