"""MP3 (MPEG audio layer III): the length found by walking every frame.

mutagen reads an MP3's length from its Xing/VBRI header, or estimates it from the first
frame's bitrate; both are claims a crafted file can make small while it plays for hours.
Walking the frames (a 10 MB file has at most some tens of thousands) counts what a player
would really play, resynchronising over junk the way decoders do.
"""

from __future__ import annotations

from dataclasses import dataclass

# kbit/s by bitrate index, for layer III: MPEG-1, then MPEG-2 and 2.5.
_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class Frame:
    length: int  # bytes, header included
    seconds: float


def frame_at(data: bytes, pos: int) -> Frame | None:
    """The layer III frame whose header starts at `pos`, if one does and it fits in `data`."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    version = (data[pos + 1] >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer = (data[pos + 1] >> 1) & 0x03  # 1: layer III
    bitrate_index = data[pos + 2] >> 4
    rate_index = (data[pos + 2] >> 2) & 0x03
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[version][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    padding = (data[pos + 2] >> 1) & 0x01
    samples = 1152 if version == 3 else 576
    length = samples // 8 * bitrate // rate + padding
    if pos + length > len(data):
        return None
    return Frame(length, samples / rate)


def audio_start(data: bytes) -> int:
    """Where the audio begins: after an ID3v2 tag (and its footer) if there is one."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        if byte & 0x80:
            return 0  # not a syncsafe size: not an ID3v2 tag
        size = (size << 7) | byte
    return 10 + size + (10 if data[5] & 0x10 else 0)


@dataclass(frozen=True)
class Walk:
    frames: int
    seconds: float
    audio: bytes  # the frames alone: no ID3v2, ID3v1, APE or Lyrics tag, no junk between


def walk(data: bytes) -> Walk:
    """Every frame of the audio, in order, and how long they play."""
    pos, seconds, spans = audio_start(data), 0.0, []
    while pos < len(data):
        frame = frame_at(data, pos)
        if frame is not None and (pos + frame.length == len(data) or _followed(data, pos + frame.length)):
            spans.append((pos, pos + frame.length))
            seconds += frame.seconds
            pos += frame.length
            continue
        pos = data.find(b"\xff", pos + 1)  # resynchronise, as a decoder would
        if pos < 0:
            break
    return Walk(len(spans), seconds, b"".join(data[start:end] for start, end in spans))


def _followed(data: bytes, pos: int) -> bool:
    """Another frame, or a tag that ends the stream (ID3v1 'TAG', APEv2), starts at `pos`."""
    return (
        frame_at(data, pos) is not None or data[pos : pos + 3] == b"TAG" or data[pos : pos + 8] == b"APETAGEX"
    )
