"""Complaint media: photos and voice notes checked by content, limited, and stored clean.

Every test file is made here (Pillow, the stdlib's wave, mutagen's Ogg pages, hand-built
EBML, PNG and MPEG headers), except three 2-second recordings that Chromium 156's
MediaRecorder made with its fake microphone (tests/fixtures/complaints/): `voice-2s.webm`
(recorded in one piece), `voice-2s-sliced.webm` (recorded with a 250 ms timeslice: live
mode, unknown sizes, no Duration) and `voice-2s.mp4` (`audio/mp4`, a fragmented MP4).
"""

from __future__ import annotations

import io
import re
import resource
import struct
import wave
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3, TIT2
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from sahl.complaints import media
from sahl.complaints.containers import webm
from sahl.complaints.media import MediaRefused, check_photo, check_voice, gps_of
from sahl.complaints.media_uploads import install, media_upload_view, upload_refusal
from sahl.core.errors import BadInput, http_status
from sahl.core.messages import message
from tests.photo_files import solid_png, watching_decodes

FIXTURES = Path(__file__).parent.parent / "fixtures" / "complaints"
KUWAIT_TOWERS = (29.3897, 48.0028)


def refused(code: str) -> pytest.RaisesExc[MediaRefused]:
    return pytest.raises(MediaRefused, match=f"^{re.escape(code)}$")


# --- Making photos ---------------------------------------------------------------------------------


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4)


def exif(orientation: int = 1, gps: tuple[float, float] | None = KUWAIT_TOWERS) -> Image.Exif:
    tags = Image.Exif()
    tags[ExifTags.Base.Orientation] = orientation
    tags[ExifTags.Base.Make] = "SahlTestCam"
    tags[ExifTags.Base.Artist] = "Fatima Al-Sabah"
    if gps is not None:
        position = tags.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N" if gps[0] >= 0 else "S"
        position[ExifTags.GPS.GPSLatitude] = dms(abs(gps[0]))
        position[ExifTags.GPS.GPSLongitudeRef] = "E" if gps[1] >= 0 else "W"
        position[ExifTags.GPS.GPSLongitude] = dms(abs(gps[1]))
    return tags


def two_colours(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue: which way up it is can be seen in the pixels."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def encoded(image: Image.Image, kind: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **params)
    return out.getvalue()


def camera_jpeg() -> bytes:
    """A phone photo: turned on its side (orientation 6), with GPS, maker, author, a comment,
    XMP and an ICC profile."""
    return encoded(
        two_colours(),
        "JPEG",
        exif=exif(orientation=6).tobytes(),
        comment=b"taken at home",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description City="Salmiya"/></x:xmpmeta>',
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int) -> bytes:
    """A PNG header declaring `width` x `height` RGB pixels, followed by a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def metadata_gone(stored: bytes) -> None:
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Author", "Comment"):
        assert key not in image.info
    for trace in (b"Exif", b"SahlTestCam", b"Fatima", b"taken at home", b"Salmiya", b"xmpmeta", b"GPS"):
        assert trace not in stored


# --- Photos ----------------------------------------------------------------------------------------


def test_a_phone_photo_is_turned_upright_and_stored_without_any_metadata_but_its_position_is_read_first():
    original = camera_jpeg()
    assert gps_of(original) == pytest.approx(KUWAIT_TOWERS, abs=1e-5)

    photo = check_photo(original)

    assert photo.gps == pytest.approx(KUWAIT_TOWERS, abs=1e-5)
    assert (photo.content_type, photo.extension) == ("image/jpeg", "jpg")
    assert (photo.width, photo.height) == (20, 40)  # orientation 6 applied: now portrait
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.format == "JPEG" and stored.size == (20, 40)
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60  # the left (red) half turned to the top
    assert bottom[2] > 200 and bottom[0] < 60
    metadata_gone(photo.content)
    assert gps_of(photo.content) is None
    assert photo.content != original


def test_the_stored_photo_is_re_encoded_even_when_it_had_no_metadata():
    original = encoded(two_colours(), "JPEG", quality=100)
    photo = check_photo(original)
    assert photo.content != original and photo.gps is None
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"


def test_a_png_with_transparency_stays_png_and_keeps_its_transparency_without_metadata():
    image = Image.new("RGBA", (30, 30), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 15, 30))
    info = PngInfo()
    info.add_text("Author", "Fatima Al-Sabah")
    info.add_text("Comment", "taken at home")
    original = encoded(image, "PNG", pnginfo=info, exif=exif().tobytes())
    assert gps_of(original) == pytest.approx(KUWAIT_TOWERS, abs=1e-5)

    photo = check_photo(original)

    assert (photo.content_type, photo.extension) == ("image/png", "png")
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.mode == "RGBA" and stored.getpixel((5, 5)) == (0, 0, 0, 0)
    assert stored.getpixel((25, 5)) == (0, 128, 0, 255)
    assert photo.gps == pytest.approx(KUWAIT_TOWERS, abs=1e-5)
    metadata_gone(photo.content)


def test_an_opaque_png_a_webp_and_a_cmyk_jpeg_are_stored_as_rgb_jpeg():
    for original in (
        encoded(two_colours(), "PNG"),
        encoded(Image.new("RGBA", (10, 10), (1, 2, 3, 255)), "PNG"),  # alpha channel, all opaque
        encoded(two_colours(), "WEBP", exif=exif().tobytes()),
        encoded(two_colours().convert("CMYK"), "JPEG"),
        encoded(two_colours().convert("P"), "PNG"),
    ):
        photo = check_photo(original)
        stored = Image.open(io.BytesIO(photo.content))
        assert (photo.content_type, stored.format, stored.mode) == ("image/jpeg", "JPEG", "RGB")
        metadata_gone(photo.content)


def test_a_position_in_the_southern_and_western_hemispheres_is_negative():
    original = encoded(two_colours(), "JPEG", exif=exif(gps=(-33.8568, -70.6483)).tobytes())
    assert gps_of(original) == pytest.approx((-33.8568, -70.6483), abs=1e-5)


def test_a_photo_without_a_usable_position_has_none():
    assert check_photo(encoded(two_colours(), "JPEG", exif=exif(gps=None).tobytes())).gps is None
    assert check_photo(encoded(two_colours(), "JPEG", exif=exif(gps=(0.0, 0.0)).tobytes())).gps is None
    broken = exif(gps=None)
    position = broken.get_ifd(ExifTags.IFD.GPSInfo)
    position[ExifTags.GPS.GPSLatitude] = (29.0, 22.0, 30.0)  # no hemisphere, no longitude
    assert check_photo(encoded(two_colours(), "JPEG", exif=broken.tobytes())).gps is None


def test_the_file_name_and_the_declared_type_are_never_believed():
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    upload = SimpleUploadedFile("street.jpg", html, content_type="image/jpeg")
    with refused("complaint.photo_kind"):
        check_photo(upload)
    real = SimpleUploadedFile("notes.txt", encoded(two_colours(), "PNG"), content_type="text/plain")
    assert check_photo(real).content_type == "image/jpeg"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            id="svg",
        ),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', id="bare-svg"),
        pytest.param(b"\xef\xbb\xbf<html><script>alert(1)</script></html>", id="html-with-bom"),
        pytest.param(b"%PDF-1.7\n", id="pdf"),
        pytest.param(b"", id="empty"),
        pytest.param(b"BM" + bytes(60), id="bmp"),
        pytest.param(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", id="avif"),
    ],
)
def test_what_is_not_a_jpeg_png_or_webp_photo_is_refused(content: bytes):
    with refused("complaint.photo_kind"):
        check_photo(content)


def test_animations_are_refused():
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    for kind in ("PNG", "WEBP"):  # APNG and animated WebP begin like still ones
        with refused("complaint.photo_kind"):
            check_photo(encoded(frames[0], kind, save_all=True, append_images=frames[1:]))
    with refused("complaint.photo_kind"):
        check_photo(gif.getvalue())


def test_heic_is_refused_with_its_own_message():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    with refused("complaint.photo_heic"):
        check_photo(heic)
    assert "JPEG" in message("complaint.photo_heic", "ar") and "JPEG" in message("complaint.photo_heic", "en")


def test_an_image_declaring_50000_by_50000_pixels_is_refused_from_its_header_without_decoding(monkeypatch):
    def never(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    bomb = declared_png(50_000, 50_000)
    assert len(bomb) < 100
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with refused("complaint.photo_too_many_pixels") as caught:
        check_photo(bomb)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000  # 7.5 GB had it been allocated
    assert caught.value.params == {"limit": 24}
    with refused("complaint.photo_too_many_pixels"):
        gps_of(bomb)


def test_just_over_the_pixel_limit_is_refused_and_pillow_never_decodes_more():
    with refused("complaint.photo_too_many_pixels"):
        check_photo(declared_png(6000, 4001))  # 24.006 megapixels
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= media.PHOTO_MAX_PIXELS


def test_a_6300_by_6300_png_of_131_kb_is_refused_from_its_header_and_never_decoded(monkeypatch):
    heavy = solid_png(6300, 6300)  # 39.7 megapixels: about 2 s of CPU and 500 MB to decode and store
    assert len(heavy) < 150_000
    with watching_decodes(monkeypatch) as decodes:
        with refused("complaint.photo_too_many_pixels") as caught:
            check_photo(heavy)
        with refused("complaint.photo_too_many_pixels"):
            media.inspect_photo(heavy)
    assert decodes.sizes == []
    assert caught.value.params == {"limit": 24}
    assert "24" in message("complaint.photo_too_many_pixels", "ar", **caught.value.params)


def test_inspecting_a_photo_decodes_nothing_and_cleaning_it_decodes_it_once(monkeypatch):
    original = camera_jpeg()
    with watching_decodes(monkeypatch) as decodes:
        inspected = media.inspect_photo(original)
        assert decodes.sizes == []
        assert inspected.gps == pytest.approx(KUWAIT_TOWERS, abs=1e-5) and inspected.orientation == 6
        photo = media.clean_photo(inspected)
    assert decodes.sizes == [(40, 20)]
    assert (photo.width, photo.height) == (20, 40) and photo.gps == inspected.gps


def test_a_pngs_position_is_looked_for_without_decoding_its_pixels(monkeypatch):
    """Pillow decodes a PNG to look for EXIF after its pixels; only EXIF before them is read."""
    before = encoded(two_colours(), "PNG", exif=exif().tobytes())  # Pillow writes eXIf before IDAT
    plain = encoded(two_colours(), "PNG")
    with watching_decodes(monkeypatch) as decodes:
        assert gps_of(before) == pytest.approx(KUWAIT_TOWERS, abs=1e-5)
        assert gps_of(plain) is None
    assert decodes.sizes == []


def jpeg_segments(raw: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each segment and scan of a JPEG (a scan ends at the next marker)."""
    found, pos = [], 2
    while raw[pos + 1] != 0xD9:
        marker = raw[pos + 1]
        end = pos + 2 + struct.unpack(">H", raw[pos + 2 : pos + 4])[0]
        if marker == 0xDA:
            while raw[end] != 0xFF or raw[end + 1] == 0 or 0xD0 <= raw[end + 1] <= 0xD7:
                end += 1
        found.append((marker, pos, end))
        pos = end
    return found


def with_scans(count: int) -> bytes:
    """A progressive JPEG with one of its AC scans repeated until it has `count` scans: libjpeg
    runs every one over every block (42 bytes each; 2,000 over 24 megapixels took 3.4 s here)."""
    raw = encoded(two_colours((64, 64)), "JPEG", progressive=True)
    segments = jpeg_segments(raw)
    scans = [raw[start:end] for marker, start, end in segments if marker == 0xDA]
    ac = next(scan for scan in scans if scan[5 + 2 * scan[4]] > 0)  # Ss > 0: an AC scan
    end = segments[-1][2]
    return raw[:end] + ac * (count - len(scans)) + raw[end:]


def test_a_jpeg_asking_a_decoder_for_too_many_passes_is_refused_before_pillow_reads_it(monkeypatch):
    normal = encoded(two_colours(), "JPEG", progressive=True)
    assert check_photo(normal).content_type == "image/jpeg"
    assert check_photo(with_scans(100)).content_type == "image/jpeg"  # the limit itself
    header = encoded(two_colours(), "JPEG")
    empty_comments = header[:2] + b"\xff\xfe\x00\x02" * 300 + header[2:]  # 300 segments before the scan
    fill = header[:2] + b"\xff" * 2000 + header[2:]  # fill bytes Pillow skips one at a time
    app0 = jpeg_segments(header)[0][2]
    junk = header[:app0] + b"\x00" * 2000 + header[app0:]  # stray bytes between two segments
    with watching_decodes(monkeypatch) as decodes:
        for hostile in (with_scans(101), empty_comments, fill, junk):
            with refused("complaint.photo_damaged"):
                check_photo(hostile)
    assert decodes.sizes == []


def test_a_png_of_too_many_chunks_is_refused_before_pillow_walks_them(monkeypatch):
    pixels = encoded(two_colours(), "PNG")
    head, rest = pixels[:33], pixels[33:]  # the signature and IHDR, then the rest
    many = head + png_chunk(b"tEXt", b"a\0b") * 5000 + rest
    assert check_photo(head + png_chunk(b"tEXt", b"a\0b") * 100 + rest).content_type == "image/jpeg"
    with watching_decodes(monkeypatch) as decodes, refused("complaint.photo_damaged"):
        check_photo(many)
    assert decodes.sizes == []


def test_a_truncated_or_damaged_photo_is_refused():
    whole = encoded(Image.effect_noise((200, 200), 64).convert("RGB"), "JPEG")
    with refused("complaint.photo_damaged"):
        check_photo(whole[: len(whole) // 2])
    with refused("complaint.photo_damaged"):
        check_photo(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with refused("complaint.photo_damaged"):
        check_photo(declared_png(100, 100))  # the header is fine, the pixels are missing


class Endless:
    """A file-like object with no end, counting what was read from it."""

    def __init__(self, start: bytes) -> None:
        self.start, self.read_bytes = start, 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "read whole"
        chunk = (self.start + bytes(size))[:size] if self.read_bytes == 0 else bytes(size)
        self.read_bytes += len(chunk)
        return chunk


def test_a_photo_over_10_mb_is_refused_after_reading_one_byte_past_the_limit():
    with refused("complaint.photo_too_large") as caught:
        check_photo(b"\xff\xd8\xff" + bytes(media.PHOTO_MAX_BYTES))
    assert caught.value.params == {"limit": 10}
    endless = Endless(b"\xff\xd8\xff")
    with refused("complaint.photo_too_large"):
        check_photo(endless)
    assert endless.read_bytes == media.PHOTO_MAX_BYTES + 1


# --- Making voice notes -------------------------------------------------------------------------------


def ebml(ident: int, payload: bytes, *, unknown_size: bool = False) -> bytes:
    size = (
        b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (len(payload) | 1 << 56).to_bytes(8, "big")
    )
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + size + payload


def opus_block(relative_ms: int) -> bytes:
    return ebml(0xA3, b"\x81" + relative_ms.to_bytes(2, "big", signed=True) + b"\x80" + b"\xfc\xff\xfe")


def made_webm(
    *,
    duration_ms: float | None = None,
    clusters: tuple[tuple[int, tuple[int, ...]], ...] = ((0, (0, 20, 40)),),
    tags: bool = False,
    title: bytes | None = None,
    track_type: int = 2,
    codec: bytes = b"A_OPUS",
    doc_type: bytes = b"webm",
    live: bool = False,
) -> bytes:
    """A WebM file as MediaRecorder writes it (or not): EBML header, Segment, Info, Tracks,
    Clusters of (timecode, block relative timecodes), optionally Tags and a Title."""
    header = ebml(0x1A45DFA3, ebml(0x4286, b"\x01") + ebml(0x42F7, b"\x01") + ebml(0x4282, doc_type))
    info = ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big")) + ebml(0x4D80, b"Chrome")
    if duration_ms is not None:
        info += ebml(0x4489, struct.pack(">d", duration_ms))
    if title is not None:
        info += ebml(0x7BA9, title)
    entry = ebml(0xD7, b"\x01") + ebml(0x83, bytes([track_type])) + ebml(0x86, codec)
    body = ebml(0x1549A966, info) + ebml(0x1654AE6B, ebml(0xAE, entry))
    if tags:
        simple = ebml(0x45A3, b"LOCATION") + ebml(0x4487, b"29.3897, 48.0028 (home)")
        tag_list = ebml(0x1254C367, ebml(0x7373, ebml(0x63C0, b"") + ebml(0x67C8, simple)))
        seek = ebml(0x114D9B74, ebml(0x4DBB, ebml(0x53AB, b"\x12\x54\xc3\x67") + ebml(0x53AC, b"\x00")))
        body = seek + body + tag_list
    for timecode, blocks in clusters:
        cluster = ebml(0xE7, timecode.to_bytes(4, "big")) + b"".join(opus_block(b) for b in blocks)
        body += ebml(0x1F43B675, cluster, unknown_size=live)
    return header + ebml(0x18538067, body, unknown_size=live)


def made_wav(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(bytes(int(seconds * rate) * 2))
    return out.getvalue()


def with_riff_chunk(wav: bytes, kind: bytes, body: bytes) -> bytes:
    grown = wav + kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")
    return grown[:4] + struct.pack("<I", len(grown) - 8) + grown[8:]


def made_ogg_opus(granules: list[int], comments: tuple[bytes, ...] = ()) -> bytes:
    """Ogg Opus pages (made by mutagen, which writes their checksums): head, tags, audio pages
    ending at the given granule positions (48 kHz samples, after a pre-skip of 312)."""
    head = (
        b"OpusHead" + bytes([1, 1]) + (312).to_bytes(2, "little") + (48000).to_bytes(4, "little") + bytes(3)
    )
    vendor = b"SahlTest"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(comments))
    tags += b"".join(struct.pack("<I", len(c)) + c for c in comments)
    out = b""
    for sequence, (packet, position) in enumerate(
        [(head, 0), (tags, 0), *((bytes(40), g) for g in granules)]
    ):
        page = OggPage()
        page.serial, page.sequence, page.position, page.packets = 7, sequence, position, [packet]
        page.first = sequence == 0
        page.last = sequence == len(granules) + 1
        out += page.write()
    return out


MP3_FRAME = b"\xff\xfb\x90\xc4" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, mono: 417 bytes


def made_mp3(seconds: float) -> bytes:
    return MP3_FRAME * round(seconds * 44100 / 1152)


def info_children(data: bytes) -> list[int]:
    """The IDs of the elements in a WebM file's Info."""
    reader = webm._Reader(data)
    header = reader.element(0, len(data))
    assert header.end is not None
    pos = reader.element(header.end, len(data)).data  # the Segment's content
    while True:
        element = reader.element(pos, len(data))
        if element.id == webm.INFO:
            return [child.id for child in reader.children(element, len(data))]
        assert element.end is not None
        pos = element.end


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def mp4_box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


# --- Voice notes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["voice-2s.webm", "voice-2s-sliced.webm"])
def test_chromium_mediarecorder_webm_is_accepted_as_it_is_since_it_carries_no_tags(name: str):
    recorded = fixture(name)
    voice = check_voice(recorded)
    assert (voice.content_type, voice.extension) == ("audio/webm", "webm")
    assert 1.8 <= voice.duration_seconds <= 2.1
    # MediaRecorder writes no Tags, Chapters or Attachments, and Info holds no Title or DateUTC:
    for element in (b"\x12\x54\xc3\x67", b"\x10\x43\xa7\x70", b"\x19\x41\xa4\x69"):
        assert element not in recorded
    info = info_children(recorded)
    assert webm.DURATION in info or name.endswith("sliced.webm")
    assert webm.TITLE not in info and webm.DATE_UTC not in info
    assert webm.read(recorded).stripped is recorded  # nothing was voided
    assert voice.content == recorded


def test_the_sliced_chromium_recording_has_no_duration_so_its_length_comes_from_its_blocks():
    recorded = fixture("voice-2s-sliced.webm")
    assert b"\x44\x89" not in recorded[:200]  # no Duration in Info
    assert recorded[40:48] == b"\x01\xff\xff\xff\xff\xff\xff\xff"  # the Segment's size is unknown
    found = webm.read(recorded)
    assert [(t.kind, t.codec) for t in found.tracks] == [(2, "A_OPUS")]
    assert found.duration_seconds == pytest.approx(1.9, abs=0.1)


def test_a_webm_declaring_three_hours_is_refused_and_thirty_seconds_accepted():
    with refused("complaint.voice_too_long") as caught:
        check_voice(made_webm(duration_ms=3 * 3600 * 1000))
    assert caught.value.params == {"limit": 3}
    assert check_voice(made_webm(duration_ms=30_000)).duration_seconds == 30.0


def test_a_webm_cannot_declare_thirty_seconds_and_hold_three_hours():
    three_hours_in = ((0, (0, 20)), (3 * 3600 * 1000 - 20_000, (0, 20_000)))
    with refused("complaint.voice_too_long"):
        check_voice(made_webm(duration_ms=30_000, clusters=three_hours_in))


def test_without_a_duration_the_length_is_the_end_of_the_last_block():
    clusters = ((0, (0, 20)), (20_000, (0, 4_980)))
    for live in (False, True):
        assert check_voice(made_webm(clusters=clusters, live=live)).duration_seconds == 24.98
    with refused("complaint.voice_too_long"):
        check_voice(made_webm(clusters=((0, (0,)), (181_000, (0,))), live=True))


def test_a_webm_whose_length_cannot_be_established_is_refused():
    with refused("complaint.voice_damaged"):
        check_voice(made_webm(clusters=()))


def test_tags_and_title_are_voided_in_place_and_the_rest_is_unchanged():
    tagged = made_webm(duration_ms=10_000, tags=True, title=b"Recorded at home, Salmiya")
    voice = check_voice(tagged)
    assert len(voice.content) == len(tagged)
    for trace in (b"Salmiya", b"LOCATION", b"29.3897", b"\x12\x54\xc3\x67"):
        assert trace in tagged and trace not in voice.content
    again = webm.read(voice.content)  # still a WebM file, same length, same track
    assert again.duration_seconds == 10.0 and again.stripped == voice.content
    assert voice.content.endswith(tagged[-60:])  # the clusters are untouched


@pytest.mark.parametrize(
    ("made", "code"),
    [
        pytest.param(
            made_webm(duration_ms=5000, track_type=1, codec=b"V_VP8"), "complaint.voice_kind", id="video"
        ),
        pytest.param(made_webm(duration_ms=5000, codec=b"A_AAC"), "complaint.voice_kind", id="other-codec"),
        pytest.param(
            made_webm(duration_ms=5000, doc_type=b"matroska"), "complaint.voice_kind", id="matroska"
        ),
        pytest.param(made_webm(duration_ms=float("nan")), "complaint.voice_damaged", id="nan-duration"),
        pytest.param(made_webm(duration_ms=5000) + b"<html>", "complaint.voice_damaged", id="trailing-bytes"),
    ],
)
def test_webm_that_is_not_a_voice_note_is_refused(made: bytes, code: str):
    with refused(code):
        check_voice(made)


def test_a_truncated_recording_is_refused():
    recorded = fixture("voice-2s.webm")
    for cut in (30, len(recorded) // 2, len(recorded) - 1):
        with refused("complaint.voice_damaged"):
            check_voice(recorded[:cut])


def test_a_wav_is_measured_and_stored_without_its_info_chunks():
    plain = made_wav(30)
    voice = check_voice(plain)
    assert (voice.content_type, voice.extension, voice.duration_seconds) == ("audio/wav", "wav", 30.0)
    tagged = with_riff_chunk(
        plain, b"LIST", b"INFOINAM\x0c\x00\x00\x00My street!!\x00IART\x06\x00\x00\x00Fatima"
    )
    voice = check_voice(tagged)
    assert b"LIST" not in voice.content and b"Fatima" not in voice.content
    with wave.open(io.BytesIO(voice.content)) as sound:
        assert sound.getnframes() == 30 * 8000
    with refused("complaint.voice_too_long"):
        check_voice(made_wav(4 * 60, rate=8000))


def test_ogg_opus_is_measured_from_its_pages_and_stored_without_comments():
    thirty = made_ogg_opus([48000 * s + 312 for s in range(1, 31)], (b"TITLE=My street", b"LOCATION=Salmiya"))
    assert OggOpus(io.BytesIO(thirty)).tags["location"] == ["Salmiya"]
    voice = check_voice(thirty)
    assert (voice.content_type, voice.extension) == ("audio/ogg", "ogg")
    assert voice.duration_seconds == pytest.approx(30.0)
    stored = OggOpus(io.BytesIO(voice.content))
    assert list(stored.tags) == [] and b"Salmiya" not in voice.content
    with refused("complaint.voice_too_long"):
        check_voice(made_ogg_opus([48000 * 3 * 3600 + 312]))
    with refused("complaint.voice_too_long"):  # the last page cannot hide an earlier, later one
        check_voice(made_ogg_opus([48000 * 60, 48000 * 3 * 3600, 48000 * 61]))


def test_mp3_is_measured_by_its_frames_and_stored_as_frames_alone():
    frames = made_mp3(30)
    tag = ID3()
    tag.add(TIT2(encoding=3, text="Recorded in Salmiya"))
    tagged = io.BytesIO(frames)
    tag.save(tagged)
    with_tags = tagged.getvalue() + b"TAG" + b"Salmiya".ljust(125, b"\0")
    assert b"Salmiya" in with_tags[:100]
    voice = check_voice(with_tags)
    assert (voice.content_type, voice.extension) == ("audio/mpeg", "mp3")
    assert voice.duration_seconds == pytest.approx(30.0, abs=0.05)
    assert voice.content == frames and MP3(io.BytesIO(voice.content)).tags is None
    with refused("complaint.voice_too_long"):
        check_voice(made_mp3(4 * 60))


def test_chromium_fragmented_mp4_is_measured_from_its_fragments():
    recorded = fixture("voice-2s.mp4")
    assert MP4(io.BytesIO(recorded)).info.length < 0.1  # what mutagen alone would say
    voice = check_voice(recorded)
    assert (voice.content_type, voice.extension) == ("audio/mp4", "m4a")
    assert 1.8 <= voice.duration_seconds <= 2.1
    assert voice.content == recorded  # MediaRecorder writes no udta, meta or uuid boxes


def test_an_mp4_loses_its_user_data_and_location_but_not_its_sound():
    recorded = fixture("voice-2s.mp4")
    moov = recorded.index(b"moov") - 4
    moov_size = struct.unpack_from(">I", recorded, moov)[0]
    location = mp4_box(b"\xa9xyz", b"\x00\x13\x15\xc7+29.3897+048.0028/")
    udta = mp4_box(b"udta", location)
    end = moov + moov_size
    tagged = (
        recorded[:moov]
        + struct.pack(">I", moov_size + len(udta))
        + recorded[moov + 4 : end]
        + udta
        + recorded[end:]
    )
    voice = check_voice(tagged)
    assert len(voice.content) == len(tagged)
    assert b"+29.3897" not in voice.content and b"udta" not in voice.content
    assert MP4(io.BytesIO(voice.content)).tags is None
    assert 1.8 <= voice.duration_seconds <= 2.1


def test_an_mp4_whose_fragments_run_for_three_hours_is_refused():
    recorded = bytearray(fixture("voice-2s.mp4"))
    tfdt = recorded.index(b"tfdt")
    assert recorded[tfdt + 4] == 1  # version 1: a 64-bit decode time at 48 kHz
    recorded[tfdt + 8 : tfdt + 16] = (3 * 3600 * 48000).to_bytes(8, "big")
    with refused("complaint.voice_too_long"):
        check_voice(bytes(recorded))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!DOCTYPE html><script>alert(1)</script>", id="html"),
        pytest.param(b"", id="empty"),
        pytest.param(encoded(two_colours(), "PNG"), id="png"),
        pytest.param(b"RIFF\x00\x00\x00\x00AVI LIST", id="avi"),
        pytest.param(b"fLaC\x00\x00\x00\x22", id="flac"),
    ],
)
def test_what_is_not_a_recording_is_refused(content: bytes):
    with refused("complaint.voice_kind"):
        check_voice(content)


def test_a_voice_note_over_10_mb_is_refused_before_it_is_read_further():
    endless = Endless(b"\x1a\x45\xdf\xa3")
    with refused("complaint.voice_too_large") as caught:
        check_voice(endless)
    assert endless.read_bytes == media.VOICE_MAX_BYTES + 1
    assert caught.value.params == {"limit": 10}


def test_an_uploaded_file_is_read_from_the_start():
    upload = SimpleUploadedFile("anything.bin", made_wav(2), content_type="application/octet-stream")
    upload.read(10)
    assert check_voice(upload).duration_seconds == 2.0


SAMPLES = {
    "webm": fixture("voice-2s.webm"),
    "sliced-webm": fixture("voice-2s-sliced.webm"),
    "mp4": fixture("voice-2s.mp4"),
    "wav": made_wav(1),
    "mp3": made_mp3(1),
    "ogg": made_ogg_opus([48000, 96000], (b"TITLE=x",)),
    "tagged-webm": made_webm(duration_ms=5000, tags=True, title=b"x"),
    "jpeg": camera_jpeg(),
    "png": encoded(two_colours(), "PNG", exif=exif().tobytes()),
}


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning", "ignore:Truncated File Read:UserWarning")
@pytest.mark.filterwarnings("ignore:Tag data larger than file:UserWarning")
@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(SAMPLES)),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.integers(0, 2)), max_size=8
    ),
)
def test_damaged_files_are_refused_or_accepted_never_an_error(name: str, edits: list[tuple[float, int, int]]):
    data = bytearray(SAMPLES[name])
    for where, byte, how in edits:
        if not data:  # deletions ate it all: an empty file is the damage
            break
        at = int(where * len(data))
        if how == 0:
            data[at] = byte
        elif how == 1:
            del data[at : at + byte % 64 + 1]
        else:
            data[at:at] = bytes([byte]) * (byte % 16 + 1)
    check = check_photo if name in ("jpeg", "png") else check_voice
    try:
        result = check(bytes(data))
    except MediaRefused as refusal:
        code = refusal.code
    else:
        code = "accepted"
        assert result.content and (not isinstance(result, media.Voice) or result.duration_seconds <= 180)
    assert code in (*media.REFUSALS, "accepted")


# --- Refusals and their messages --------------------------------------------------------------------


def test_every_refusal_is_bad_input_with_a_message_in_arabic_and_english():
    assert len(media.REFUSALS) == 9
    for code, params in media.REFUSALS.items():
        refusal = MediaRefused(code)
        assert isinstance(refusal, BadInput) and http_status(refusal) == 400
        assert refusal.params == params
        arabic, english = message(code, "ar", **params), message(code, "en", **params)
        assert re.search(r"[\u0600-\u06ff]", arabic) and re.search(r"[A-Za-z]", english)
        assert "{" not in arabic + english
        for value in params.values():
            assert str(value) in arabic and str(value) in english


# --- Uploads stopped while they stream ----------------------------------------------------------------

BOUNDARY = "sahl-test-boundary"


class MultipartBody:
    """A multipart body made as it is read: a description field, then one file part of
    `size` bytes. Nothing of it exists before it is read."""

    def __init__(self, field: str, size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\nA broken street light\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.position = 0
        self.largest_read = 0

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        size = self.length - self.position if size < 0 else min(size, self.length - self.position)
        out = bytearray()
        while len(out) < size:
            at = self.position + len(out)
            if at < len(self.head):
                out += self.head[at : at + size - len(out)]
            elif at < len(self.head) + self.size:
                out += bytes(min(size - len(out), len(self.head) + self.size - at))
            else:
                start = at - len(self.head) - self.size
                out += self.tail[start : start + size - len(out)]
        self.position += len(out)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:
        # Django drains a stopped upload line by line: a body with no newline in 190 MB
        # would be one line in memory. The media limit drains it in chunks instead.
        raise AssertionError("read line by line")


def streamed_request(body: MultipartBody) -> WSGIRequest:
    return WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/complaints/new",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.length),
            "wsgi.input": body,
        }
    )


def test_a_200_mb_upload_is_refused_after_about_10_mb_and_none_of_it_is_kept():
    body = MultipartBody("photos", 200 * media.MB)
    request = streamed_request(body)
    install(request)
    handler = request.upload_handlers[0]

    assert request.POST["description"] == "A broken street light"  # the fields before it are read
    refusal = upload_refusal(request)
    assert refusal is not None and refusal.code == "complaint.photo_too_large"
    assert getattr(request, "sahl_upload_refused", False)
    assert not request.FILES
    assert handler.received <= media.PHOTO_MAX_BYTES + 2 * 64 * 1024  # type: ignore[attr-defined]
    assert body.position == body.length  # drained, so the browser gets the answer...
    assert body.largest_read <= 64 * 1024  # ...64 KB at a time, never kept


def test_each_field_has_its_own_limit_and_small_files_pass():
    for field, size, code in (
        ("voice", media.VOICE_MAX_BYTES + 1, "complaint.voice_too_large"),
        ("unknown", media.PHOTO_MAX_BYTES + 1, "complaint.photo_too_large"),
    ):
        request = streamed_request(MultipartBody(field, size))
        install(request)
        request.POST  # noqa: B018 — reading it parses the upload
        refusal = upload_refusal(request)
        assert refusal is not None and refusal.code == code
    request = streamed_request(MultipartBody("photos", 3 * media.MB))
    install(request)
    assert request.FILES["photos"].size == 3 * media.MB and upload_refusal(request) is None


def test_the_limit_must_be_installed_before_the_form_is_read():
    request = streamed_request(MultipartBody("photos", 10))
    request.POST  # noqa: B018
    with pytest.raises(RuntimeError):
        install(request)


def test_an_html_view_gets_the_limit_and_still_checks_csrf():
    @media_upload_view
    def view(request: HttpRequest) -> HttpResponse:
        refusal = upload_refusal(request)
        return HttpResponse(refusal.code if refusal else f"ok {len(request.FILES)}")

    factory = RequestFactory()
    photo = SimpleUploadedFile("p.jpg", encoded(two_colours(), "JPEG"), content_type="image/jpeg")
    request = factory.post("/complaints/new", {"description": "x", "photos": photo})
    assert view(request).status_code == 403  # no CSRF token: the check still happens
    request = factory.post("/complaints/new", {"description": "x", "photos": photo})
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    assert view(request).content == b"ok 1"
    big = SimpleUploadedFile("v.webm", bytes(media.VOICE_MAX_BYTES + 1), content_type="audio/webm")
    request = factory.post("/complaints/new", {"description": "x", "voice": big})
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    assert view(request).content == b"complaint.voice_too_large"
