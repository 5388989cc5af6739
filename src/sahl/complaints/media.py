"""Complaint media handled safely: photos and voice notes checked by content, limited, cleaned.

Pure: bytes (or a file-like object) in, cleaned bytes and facts out; no database, no storage,
no file names and no declared content types (both are the sender's claims). Refusals raise
`MediaRefused`, a `BadInput` whose code has a bilingual text in `sahl.core.messages`.

Photos come in two steps, so that a form's cheap checks and every photo's header come before
any pixel is decoded (ADR 0025):

- `inspect_photo` reads no pixel: JPEG, PNG or WebP by their first bytes; HEIC is refused with
  its own message (Pillow reads it only with a plugin this project does not install); anything
  else (SVG, HTML, GIF, animations) is `complaint.photo_kind`. The structure is walked in a
  bounded number of steps (`containers.jpeg`, `containers.png`), then the dimensions are read
  from the header and refused above `PHOTO_MAX_PIXELS`. The EXIF GPS position and orientation
  are read there too (`Inspected.gps`, `gps_of`), so the complaint can use the position if the
  person agrees.
- `clean_photo` decodes (the only decode, of at most `PHOTO_MAX_PIXELS`), applies the EXIF
  orientation and re-encodes the photo (JPEG at quality 85, or PNG when the image really uses
  transparency) from a fresh image that carries no EXIF, XMP, ICC profile (colours are
  converted to sRGB first) or comment. The stored bytes never carry the position.

`check_photo` does both, for one photo on its own.

Voice notes (`check_voice`): WebM (Chromium's MediaRecorder: Opus), Ogg (Opus, Vorbis),
MP4/M4A (AAC, or Opus as Chromium records `audio/mp4`), MP3 and WAV, by their first bytes
and a parse of the container. The length is what the container really holds, not only
what it declares (see `containers`), and the stored copy carries no tags.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from mutagen import FileType, MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from sahl.complaints.containers import jpeg, mp3, mp4, png, wav, webm
from sahl.core.errors import BadInput

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
# Decoding and re-encoding cost CPU and memory in proportion to the pixels: 6300 x 6300 took
# 0.5 s and 460 MB here, 24 megapixels at most 0.5 s and 375 MB (ADR 0025). A phone stores 12
# (its 48- and 50-megapixel sensors bin to 12), a 24-megapixel camera 6000 x 4000.
PHOTO_MAX_PIXELS = 24_000_000
VOICE_MAX_BYTES = 10 * MB
VOICE_MAX_SECONDS = 3 * 60
JPEG_QUALITY = 85

# Pillow refuses (DecompressionBombError) an image of more than twice this and warns above
# it; never let the process decode anything larger than a complaint photo may be.
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > PHOTO_MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS

# Every refusal, with the parameters its message is written with.
REFUSALS: dict[str, dict[str, object]] = {
    "complaint.photo_too_large": {"limit": PHOTO_MAX_BYTES // MB},
    "complaint.photo_too_many_pixels": {"limit": PHOTO_MAX_PIXELS // 1_000_000},
    "complaint.photo_kind": {},
    "complaint.photo_heic": {},
    "complaint.photo_damaged": {},
    "complaint.voice_too_large": {"limit": VOICE_MAX_BYTES // MB},
    "complaint.voice_too_long": {"limit": VOICE_MAX_SECONDS // 60},
    "complaint.voice_kind": {},
    "complaint.voice_damaged": {},
}

HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
# What Pillow raises on bytes it cannot make sense of (TypeError and KeyError from corrupt EXIF).
PILLOW_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    TypeError,
    KeyError,
)
ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")
KEPT_MODES = ("RGB", "RGBA", "CMYK")  # the modes whose ICC profile is converted to sRGB
# EXIF orientation -> the transposition that shows the photo upright (as ImageOps.exif_transpose,
# which also re-serialises the EXIF it is about to lose and can fail doing so).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class MediaRefused(BadInput):
    """A photo or voice note that is not kept; `code` names the bilingual reason."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, **(REFUSALS.get(code, {}) | params))


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Photo:
    content: bytes = field(repr=False)  # re-encoded, upright, without any metadata
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # "jpg" or "png"
    width: int
    height: int
    gps: tuple[float, float] | None  # (latitude, longitude) from the original's EXIF


@dataclass(frozen=True)
class Inspected:
    """A photo whose size, structure and dimensions passed every check that decodes no pixel."""

    image: Image.Image = field(repr=False)  # opened lazily: only its header was read
    gps: tuple[float, float] | None  # (latitude, longitude) from its EXIF
    orientation: int  # EXIF orientation, 1 (as taken) to 8


@dataclass(frozen=True)
class Voice:
    content: bytes = field(repr=False)  # the same sound, without tags
    content_type: str  # "audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg" or "audio/wav"
    extension: str
    duration_seconds: float


def _read(data: bytes | Readable, limit: int, too_large: str) -> bytes:
    """At most `limit` bytes; a larger input is refused after reading one byte past it."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        seek = getattr(data, "seek", None)
        if callable(seek):
            seek(0)
        raw = data.read(limit + 1)
    if len(raw) > limit:
        raise MediaRefused(too_large)
    return raw


# --- Photos -------------------------------------------------------------------------------------


def check_photo(data: bytes | Readable) -> Photo:
    return clean_photo(inspect_photo(data))


def inspect_photo(data: bytes | Readable) -> Inspected:
    """The photo's header checked (size, kind, structure, dimensions) and its EXIF read; no pixel
    is decoded. Every refusal `check_photo` makes before decoding is made here."""
    image = _open_photo(_read(data, PHOTO_MAX_BYTES, "complaint.photo_too_large"))
    tags = _exif(image)
    return Inspected(image, _gps(tags), _orientation(tags))


def clean_photo(photo: Inspected) -> Photo:
    """The photo decoded (within the limits `inspect_photo` checked), upright, re-encoded without
    any metadata."""
    try:
        content, content_type, extension, size = _reencode(photo.image, photo.orientation)
    finally:
        photo.image.close()  # its pixels go now, not when the last of a form's photos is done
    return Photo(content, content_type, extension, size[0], size[1], photo.gps)


def gps_of(photo: bytes | Readable) -> tuple[float, float] | None:
    """The (latitude, longitude) a photo's EXIF records, read without decoding its pixels.
    Refuses what `inspect_photo` refuses, for the same reasons."""
    return inspect_photo(photo).gps


def _photo_format(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        raise MediaRefused("complaint.photo_heic")
    raise MediaRefused("complaint.photo_kind")


def _open_photo(raw: bytes) -> Image.Image:
    """The photo opened lazily (header only: no pixel is decoded here), or a refusal."""
    kind = _photo_format(raw[:16])
    try:  # Pillow walks these structures in Python: bounded first (WebP's are walked in C)
        if kind == "JPEG":
            jpeg.check(raw)
        elif kind == "PNG":
            png.check(raw)
    except (jpeg.Unreadable, png.Unreadable):
        raise MediaRefused("complaint.photo_damaged") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=[kind])  # only the plugin the bytes chose
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRefused("complaint.photo_too_many_pixels") from None
    except PILLOW_ERRORS:
        raise MediaRefused("complaint.photo_damaged") from None
    width, height = image.size
    if width < 1 or height < 1:
        raise MediaRefused("complaint.photo_damaged")
    if width * height > PHOTO_MAX_PIXELS:
        raise MediaRefused("complaint.photo_too_many_pixels")
    # A JPEG with several frames is a phone's multi-picture file (MPO): its first is the photo.
    if kind != "JPEG" and getattr(image, "n_frames", 1) > 1:
        raise MediaRefused("complaint.photo_kind")  # an animation, not a photo
    return image


def _exif(image: Image.Image) -> Image.Exif:
    """The EXIF the header carries. Pillow decodes a PNG's pixels to look for EXIF after them:
    a PNG's is read only when it comes before them (phones write none in PNG)."""
    try:
        if image.format == "PNG" and "exif" not in image.info:
            return Image.Exif()
        return image.getexif()
    except PILLOW_ERRORS:
        return Image.Exif()  # unreadable EXIF: no position, upright as taken


def _gps(tags: Image.Exif) -> tuple[float, float] | None:
    try:
        position = tags.get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _degrees(position.get(ExifTags.GPS.GPSLatitude), position.get(ExifTags.GPS.GPSLatitudeRef))
        longitude = _degrees(
            position.get(ExifTags.GPS.GPSLongitude), position.get(ExifTags.GPS.GPSLongitudeRef)
        )
    except (*PILLOW_ERRORS, ZeroDivisionError):
        return None  # unreadable EXIF: no position, the photo itself may still be fine
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None
    if latitude == 0 and longitude == 0:
        return None  # what cameras write without a fix
    return round(latitude, 7), round(longitude, 7)


def _degrees(value: object, ref: object) -> float | None:
    """Degrees, minutes and seconds with their hemisphere (N/S, E/W) as signed degrees."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", errors="replace")
    if not isinstance(ref, str) or ref.strip("\0 ").upper() not in ("N", "S", "E", "W"):
        return None
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    total = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(total) or min(degrees, minutes, seconds) < 0:
        return None
    return -total if ref.strip("\0 ").upper() in ("S", "W") else total


def _reencode(image: Image.Image, orientation: int) -> tuple[bytes, str, str, tuple[int, int]]:
    try:
        image.load()  # the pixels are decoded only now, within the limits checked above
        profile = image.info.get("icc_profile") if image.mode in KEPT_MODES else None
        alpha = image.mode in ALPHA_MODES or "transparency" in image.info
        upright = _to_srgb(image, profile)
        turn = UPRIGHT.get(orientation)
        if turn is not None:
            upright = upright.transpose(turn)
        mode = "RGBA" if alpha else "RGB"
        pixels = upright if upright.mode == mode else upright.convert(mode)  # no copy when it is
        if alpha and pixels.getchannel("A").getextrema()[0] == 255:  # opaque everywhere
            pixels = pixels.convert("RGB")
        # A fresh image: no info, no EXIF, no XMP, no ICC profile, no comment can follow.
        clean = Image.new(pixels.mode, pixels.size)
        clean.paste(pixels)
    except PILLOW_ERRORS:
        raise MediaRefused("complaint.photo_damaged") from None
    out = io.BytesIO()
    if clean.mode == "RGBA":
        clean.save(out, "PNG")
        return out.getvalue(), "image/png", "png", clean.size
    clean.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "image/jpeg", "jpg", clean.size


def _orientation(tags: Image.Exif) -> int:
    try:
        value = tags.get(ExifTags.Base.Orientation, 1)
    except PILLOW_ERRORS:
        return 1  # unreadable EXIF: the photo as it was taken
    return value if isinstance(value, int) and value in range(1, 9) else 1


def _to_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """The image in sRGB when it carried another ICC profile (a phone's Display P3, a
    printer's CMYK), so that dropping the profile keeps its colours."""
    if not profile or image.mode not in KEPT_MODES:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, *PILLOW_ERRORS):
        return image  # an unreadable profile: use the pixels as they are
    return converted if converted is not None else image


# --- Voice notes --------------------------------------------------------------------------------


def check_voice(data: bytes | Readable) -> Voice:
    raw = _read(data, VOICE_MAX_BYTES, "complaint.voice_too_large")
    reader = _voice_reader(raw)
    try:
        content, content_type, extension, seconds = reader(raw)
    except (webm.Unreadable, mp4.Unreadable, wav.Unreadable, MutagenError, *PILLOW_ERRORS):
        raise MediaRefused("complaint.voice_damaged") from None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise MediaRefused("complaint.voice_damaged")  # how long it plays cannot be established
    if seconds > VOICE_MAX_SECONDS:
        raise MediaRefused("complaint.voice_too_long")
    return Voice(content, content_type, extension, round(seconds, 3))


_Cleaned = tuple[bytes, str, str, float | None]


def _voice_reader(raw: bytes) -> Callable[[bytes], _Cleaned]:
    if raw.startswith(b"\x1a\x45\xdf\xa3"):
        return _webm
    if raw.startswith(b"OggS"):
        return _ogg
    if raw[4:8] == b"ftyp":
        return _mp4
    if raw[:4] == b"RIFF" and raw[8:12] == b"WAVE":
        return _wav
    if raw.startswith(b"ID3") or mp3.frame_at(raw, 0) is not None:
        return _mp3
    raise MediaRefused("complaint.voice_kind")


def _webm(raw: bytes) -> _Cleaned:
    try:
        found = webm.read(raw)
    except webm.NotWebM:
        raise MediaRefused("complaint.voice_kind") from None
    audio_only = all(t.kind == webm.TRACK_AUDIO for t in found.tracks)
    if not found.tracks or not audio_only or any(t.codec not in ("A_OPUS", "A_VORBIS") for t in found.tracks):
        raise MediaRefused("complaint.voice_kind")
    return found.stripped, "audio/webm", "webm", found.duration_seconds


def _ogg(raw: bytes) -> _Cleaned:
    """Opus or Vorbis in one logical stream; the length from the largest granule position
    of any page (mutagen reads only the last page's)."""
    stream = io.BytesIO(raw)
    serials, largest, first = set(), -1, None
    while stream.tell() < len(raw):
        page = OggPage(stream)
        first = first or page
        serials.add(page.serial)
        largest = max(largest, page.position)
    head = first.packets[0] if first and first.packets else b""
    if len(serials) != 1 or not head.startswith((b"OpusHead", b"\x01vorbis")):
        raise MediaRefused("complaint.voice_kind")  # video, several streams, or another codec
    audio: OggOpus | OggVorbis = (
        OggOpus(io.BytesIO(raw)) if head.startswith(b"OpusHead") else OggVorbis(io.BytesIO(raw))
    )
    if head.startswith(b"OpusHead"):
        walked = (largest - int.from_bytes(head[10:12], "little")) / 48000  # Opus always counts at 48 kHz
    else:
        walked = largest / _sample_rate(audio)
    out = io.BytesIO(raw)
    audio.delete(out)  # mutagen rewrites the comment header without any tag (the vendor stays)
    return out.getvalue(), "audio/ogg", "ogg", max(_length(audio), walked)


def _mp4(raw: bytes) -> _Cleaned:
    found = mp4.read(raw)
    if not found.tracks or any(
        t.handler != b"soun" or t.codec not in (b"mp4a", b"Opus") for t in found.tracks
    ):
        raise MediaRefused("complaint.voice_kind")
    checked = MP4(io.BytesIO(found.stripped))  # mutagen must read the cleaned file too
    if checked.tags:
        raise MediaRefused("complaint.voice_damaged")  # tags where this reader found none
    seconds = max(found.duration_seconds or 0.0, _length(checked))
    return found.stripped, "audio/mp4", "m4a", seconds


def _mp3(raw: bytes) -> _Cleaned:
    """Only the MPEG frames are kept: ID3v2, ID3v1, APE and Lyrics tags and any junk go."""
    declared = _length(MP3(io.BytesIO(raw)))
    walk = mp3.walk(raw)
    if not walk.frames:
        raise MediaRefused("complaint.voice_kind")
    return walk.audio, "audio/mpeg", "mp3", max(declared, walk.seconds)


def _wav(raw: bytes) -> _Cleaned:
    found = wav.read(raw)
    return found.stripped, "audio/wav", "wav", found.duration_seconds


def _length(audio: FileType) -> float:
    """The length mutagen reads from the headers (0 when they say none): a claim only."""
    value = getattr(audio.info, "length", 0.0)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _sample_rate(audio: FileType) -> int:
    value = getattr(audio.info, "sample_rate", 0)
    if not isinstance(value, int) or value <= 0:
        raise MediaRefused("complaint.voice_damaged")
    return value
