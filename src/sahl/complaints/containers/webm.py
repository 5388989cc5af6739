"""WebM (EBML/Matroska) voice notes: what they say about themselves, and a copy without tags.

mutagen does not read WebM, so this walks the EBML tree itself. What Chromium's MediaRecorder
writes (seen on Chromium 156, `audio/webm;codecs=opus`):

- recorded in one piece (`start()`): a Segment of known size with SeekHead, Info holding a
  Duration, Tracks, one Cluster per few seconds, and Cues;
- recorded in slices (`start(timeslice)`): a Segment and Clusters of *unknown* size (live
  mode), Info with no Duration, no SeekHead and no Cues.

Neither carries Tags, Chapters, Attachments, a Title or a date: MediaRecorder's muxer writes
only the technical elements above (MuxingApp/WritingApp say "Chrome"). Files from elsewhere
may, so those elements are overwritten in place with Void elements of the same length; no
size or position elsewhere in the file changes, so SeekHead and Cues stay right.

The length of a voice note is the longer of its declared Duration and the end of its last
block (Cluster Timecode + the block's relative timecode, + BlockDuration when given), so a
file cannot play three hours while declaring thirty seconds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

EBML = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
SEEK_HEAD, SEEK, SEEK_ID = 0x114D9B74, 0x4DBB, 0x53AB
INFO, TIMECODE_SCALE, DURATION, TITLE, DATE_UTC = 0x1549A966, 0x2AD7B1, 0x4489, 0x7BA9, 0x4461
TRACKS, TRACK_ENTRY, TRACK_TYPE, CODEC_ID = 0x1654AE6B, 0xAE, 0x83, 0x86
CLUSTER, TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK, BLOCK_DURATION = (
    0x1F43B675,
    0xE7,
    0xA3,
    0xA0,
    0xA1,
    0x9B,
)
TAGS, ATTACHMENTS, CHAPTERS = 0x1254C367, 0x1941A469, 0x1043A770
VOID = 0xEC

# Everything a Cluster may hold: an unknown-size Cluster ends at the first element not in here.
CLUSTER_CHILDREN = frozenset({TIMECODE, 0x5854, 0xA7, 0xAB, SIMPLE_BLOCK, BLOCK_GROUP, 0xAF, VOID, 0xBF})
# Level-1 elements that say something about the recording or the person rather than the sound.
DROPPED = frozenset({TAGS, ATTACHMENTS, CHAPTERS})
TRACK_AUDIO = 2
MAX_ELEMENTS = 1_000_000  # a 10 MB file of real audio has a few thousand; more is an attack


class Unreadable(ValueError):
    """The bytes are not a WebM file this reader can vouch for (the reason is for the logs)."""


class NotWebM(Unreadable):
    """A sound EBML file of another kind (Matroska's .mka/.mkv): not what is accepted."""


@dataclass(frozen=True)
class Track:
    kind: int  # 1 video, 2 audio, 17 subtitles... (Matroska TrackType)
    codec: str  # "A_OPUS", "A_VORBIS", "V_VP8"...


@dataclass(frozen=True)
class WebM:
    tracks: tuple[Track, ...]
    duration_seconds: float | None  # None: neither a Duration nor any block says how long
    stripped: bytes  # the same file with Tags, Chapters, Attachments, Title and DateUTC voided


@dataclass(frozen=True)
class _Element:
    id: int
    start: int  # where its ID begins
    data: int  # where its content begins
    end: int | None  # None: unknown size (only a Segment or a Cluster may have one)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.count = 0
        self.voids: list[tuple[int, int]] = []

    def element(self, pos: int, limit: int) -> _Element:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise Unreadable("too many elements")
        ident, pos_after_id = self._vint(pos, limit, max_length=4, keep_marker=True)
        size, data_start = self._vint(pos_after_id, limit, max_length=8, keep_marker=False)
        unknown = size == (1 << (7 * (data_start - pos_after_id))) - 1
        if unknown:
            return _Element(ident, pos, data_start, None)
        end = data_start + size
        if end > limit:
            raise Unreadable(f"element {ident:#x} at {pos} runs past its parent")
        return _Element(ident, pos, data_start, end)

    def _vint(self, pos: int, limit: int, *, max_length: int, keep_marker: bool) -> tuple[int, int]:
        if pos >= limit:
            raise Unreadable("truncated element header")
        first = self.data[pos]
        length = 9 - first.bit_length()  # leading zero bits + 1
        if first == 0 or length > max_length or pos + length > limit:
            raise Unreadable(f"bad variable-length integer at {pos}")
        value = first if keep_marker else first & ((1 << (8 - length)) - 1)
        for byte in self.data[pos + 1 : pos + length]:
            value = (value << 8) | byte
        return value, pos + length

    def children(self, parent: _Element, limit: int) -> list[_Element]:
        """The direct children of a known-size element."""
        end = parent.end if parent.end is not None else limit
        found, pos = [], parent.data
        while pos < end:
            child = self.element(pos, end)
            if child.end is None:
                raise Unreadable(f"element {child.id:#x} of unknown size inside {parent.id:#x}")
            found.append(child)
            pos = child.end
        return found

    def uint(self, el: _Element) -> int:
        raw = self.data[el.data : el.end]
        if len(raw) > 8:
            raise Unreadable("unsigned integer longer than 8 bytes")
        return int.from_bytes(raw, "big")

    def real(self, el: _Element) -> float:
        raw = self.data[el.data : el.end]
        if len(raw) == 4:
            return float(struct.unpack(">f", raw)[0])
        if len(raw) == 8:
            return float(struct.unpack(">d", raw)[0])
        raise Unreadable("a float is 4 or 8 bytes")

    def text(self, el: _Element) -> str:
        return self.data[el.data : el.end].rstrip(b"\0").decode("ascii", errors="replace")

    def void(self, el: _Element) -> None:
        assert el.end is not None
        self.voids.append((el.start, el.end))


def read(data: bytes) -> WebM:
    """The tracks, the length and a copy without tags of one WebM file, or `Unreadable`."""
    reader = _Reader(data)
    header = reader.element(0, len(data))
    if header.id != EBML or header.end is None:
        raise Unreadable("no EBML header")
    doc_types = [reader.text(c) for c in reader.children(header, len(data)) if c.id == DOC_TYPE]
    if doc_types != ["webm"]:
        raise NotWebM(f"DocType {doc_types!r}, not webm")
    pos = header.end
    while pos < len(data) and data[pos] == VOID:  # Void elements may sit between the two
        pos = _end(reader.element(pos, len(data)))
    segment = reader.element(pos, len(data))
    if segment.id != SEGMENT:
        raise Unreadable("no Segment after the EBML header")
    segment_end = segment.end if segment.end is not None else len(data)
    if segment_end != len(data):
        raise Unreadable("bytes after the Segment")
    facts = _Facts()
    pos = segment.data
    while pos < segment_end:
        el = reader.element(pos, segment_end)
        if el.id == CLUSTER:
            pos = _cluster(reader, el, segment_end, facts)
            continue
        if el.end is None:
            raise Unreadable(f"level-1 element {el.id:#x} of unknown size")
        if el.id == INFO:
            _info(reader, el, facts)
        elif el.id == TRACKS:
            _tracks(reader, el, facts)
        elif el.id == SEEK_HEAD:
            _seek_head(reader, el)
        elif el.id in DROPPED:
            reader.void(el)
        pos = el.end
    return WebM(tuple(facts.tracks), facts.duration_seconds(), _voided(data, reader.voids))


class _Facts:
    def __init__(self) -> None:
        self.scale = 1_000_000  # nanoseconds per tick, Matroska's default
        self.declared: float | None = None  # ticks
        self.last_block_end: int | None = None  # ticks
        self.tracks: list[Track] = []

    def duration_seconds(self) -> float | None:
        known = [t for t in (self.declared, self.last_block_end) if t is not None]
        return max(known) * self.scale / 1e9 if known else None


def _end(el: _Element) -> int:
    if el.end is None:
        raise Unreadable(f"element {el.id:#x} of unknown size")
    return el.end


def _info(reader: _Reader, info: _Element, facts: _Facts) -> None:
    for child in reader.children(info, _end(info)):
        if child.id == TIMECODE_SCALE:
            facts.scale = reader.uint(child)
            if not 0 < facts.scale <= 1_000_000_000:
                raise Unreadable("TimecodeScale out of range")
        elif child.id == DURATION:
            declared = reader.real(child)
            if not 0 <= declared < 1e15:  # also refuses NaN and infinity
                raise Unreadable("Duration out of range")
            facts.declared = declared
        elif child.id in (TITLE, DATE_UTC):
            reader.void(child)


def _tracks(reader: _Reader, tracks: _Element, facts: _Facts) -> None:
    for entry in reader.children(tracks, _end(tracks)):
        if entry.id != TRACK_ENTRY:
            continue
        kind, codec = 0, ""
        for child in reader.children(entry, _end(entry)):
            if child.id == TRACK_TYPE:
                kind = reader.uint(child)
            elif child.id == CODEC_ID:
                codec = reader.text(child)
        facts.tracks.append(Track(kind, codec))


def _seek_head(reader: _Reader, seek_head: _Element) -> None:
    """Seek entries that point at dropped elements are voided with them."""
    for seek in reader.children(seek_head, _end(seek_head)):
        if seek.id != SEEK:
            continue
        for child in reader.children(seek, _end(seek)):
            if child.id == SEEK_ID and int.from_bytes(reader.data[child.data : child.end], "big") in DROPPED:
                reader.void(seek)


def _cluster(reader: _Reader, cluster: _Element, segment_end: int, facts: _Facts) -> int:
    """Walks one Cluster (known or unknown size); returns where the next level-1 element starts."""
    end = cluster.end if cluster.end is not None else segment_end
    timecode: int | None = None
    pos = cluster.data
    while pos < end:
        if cluster.end is None and _peek_id(reader, pos, end) not in CLUSTER_CHILDREN:
            break  # an unknown-size Cluster ends where a level-1 element begins
        child = reader.element(pos, end)
        child_end = _end(child)
        if child.id == TIMECODE:
            timecode = reader.uint(child)
        elif child.id in (SIMPLE_BLOCK, BLOCK_GROUP):
            if timecode is None:
                raise Unreadable("a block before its Cluster's Timecode")
            block_end = timecode + _block_end(reader, child)
            if facts.last_block_end is None or block_end > facts.last_block_end:
                facts.last_block_end = block_end
        pos = child_end
    return pos


def _peek_id(reader: _Reader, pos: int, limit: int) -> int:
    ident, _ = reader._vint(pos, limit, max_length=4, keep_marker=True)
    return ident


def _block_end(reader: _Reader, el: _Element) -> int:
    """A block's relative timecode (signed 16 bits after the track number), + its duration."""
    duration = 0
    block = el
    if el.id == BLOCK_GROUP:
        blocks = []
        for child in reader.children(el, _end(el)):
            if child.id == BLOCK:
                blocks.append(child)
            elif child.id == BLOCK_DURATION:
                duration = reader.uint(child)
        if len(blocks) != 1:
            raise Unreadable("a BlockGroup without exactly one Block")
        block = blocks[0]
    _, after_track = reader._vint(block.data, _end(block), max_length=8, keep_marker=False)
    if after_track + 3 > _end(block):
        raise Unreadable("a block too short for its header")
    relative = int.from_bytes(reader.data[after_track : after_track + 2], "big", signed=True)
    return max(relative + duration, 0)


def _voided(data: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """`data` with each range replaced by a Void element of exactly the same length."""
    if not ranges:
        return data
    out = bytearray(data)
    for start, end in ranges:
        total = end - start
        length = min(8, total - 1)  # bytes of the size field; Void's ID is one byte
        payload = total - 1 - length
        size = (1 << (7 * length)) | payload  # marker bit + payload length (never all ones here)
        out[start:end] = bytes([VOID]) + size.to_bytes(length, "big") + bytes(payload)
    return bytes(out)
