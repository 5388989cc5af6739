"""MP4/M4A voice notes (ISO base media file format): tracks, length, and a copy without tags.

Two shapes arrive: a plain file (phones' voice recorders: `moov` with sample tables) and a
fragmented one (MediaRecorder in Chromium and Safari: an almost empty `moov`, then `moof`
fragments). mutagen reads the first shape's length from `mdhd`, but for the second it sees
only the empty `moov` (0.04 s for a 2 s recording from Chromium 156), so the length here is
the longest of: what `mvhd`/`mdhd`/`mehd` declare, the sum of the sample table's durations,
and the end of the last fragment (`tfdt` + the `trun` sample durations).

Tags live in `udta` (iTunes-style `meta`/`ilst`, QuickTime's `©xyz` location that phones
write) and `meta`/`uuid` (XMP) boxes. They are overwritten in place by `free` boxes of the
same length: nothing moves, so chunk offsets stay right without rewriting the sample tables.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"moof", b"traf", b"edts"})
METADATA = frozenset({b"udta", b"meta", b"uuid"})  # overwritten wherever they appear outside moof
MAX_BOXES = 200_000
MAX_SAMPLES = 5_000_000  # per run; a 10 MB file cannot hold more real samples


class Unreadable(ValueError):
    """The bytes are not an MP4 file this reader can vouch for (the reason is for the logs)."""


@dataclass(frozen=True)
class Track:
    handler: bytes  # b"soun" for audio, b"vide" for video...
    codec: bytes  # the sample entry's four characters: b"mp4a" (AAC), b"Opus"...


@dataclass(frozen=True)
class Mp4:
    brand: bytes
    tracks: tuple[Track, ...]
    duration_seconds: float | None
    stripped: bytes


@dataclass(frozen=True)
class _Box:
    type: bytes
    start: int
    data: int  # where the content begins (after size, type and any 64-bit size)
    end: int


@dataclass
class _Trak:
    id: int = 0
    handler: bytes = b""
    codec: bytes = b""
    timescale: int = 0
    ticks: list[int] = field(default_factory=list)  # every length known, in the track's timescale
    default_sample_duration: int = 0  # from mvex/trex
    next_fragment_start: int = 0


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.count = 0
        self.frees: list[_Box] = []

    def boxes(self, start: int, end: int) -> list[_Box]:
        found, pos = [], start
        while pos < end:
            self.count += 1
            if self.count > MAX_BOXES:
                raise Unreadable("too many boxes")
            if pos + 8 > end:
                raise Unreadable(f"truncated box header at {pos}")
            size, kind = struct.unpack_from(">I4s", self.data, pos)
            data = pos + 8
            if size == 1:
                if pos + 16 > end:
                    raise Unreadable("truncated 64-bit box size")
                (size,) = struct.unpack_from(">Q", self.data, pos + 8)
                data = pos + 16
            elif size == 0:  # "to the end of the file": only the last top-level box
                size = end - pos
            if size < data - pos or pos + size > end:
                raise Unreadable(f"box {kind!r} at {pos} has a bad size")
            found.append(_Box(kind, pos, data, pos + size))
            pos += size
        return found

    def full(self, box: _Box, need: int, need_v1: int | None = None) -> tuple[int, int, int]:
        """Version, flags and where the fields begin of a FullBox; its fields must hold `need`
        bytes (`need_v1` for version 1, whose times are 64-bit)."""
        if box.data + 4 > box.end:
            raise Unreadable(f"{box.type!r} is too short")
        version_flags = int.from_bytes(self.data[box.data : box.data + 4], "big")
        version = version_flags >> 24
        if box.data + 4 + (need_v1 if version == 1 and need_v1 is not None else need) > box.end:
            raise Unreadable(f"{box.type!r} is too short")
        return version, version_flags & 0xFFFFFF, box.data + 4

    def u32(self, pos: int) -> int:
        return int(struct.unpack_from(">I", self.data, pos)[0])

    def u64(self, pos: int) -> int:
        return int(struct.unpack_from(">Q", self.data, pos)[0])


def read(data: bytes) -> Mp4:
    reader = _Reader(data)
    top = reader.boxes(0, len(data))
    if not top or top[0].type != b"ftyp" or top[0].end - top[0].data < 8:
        raise Unreadable("no ftyp box first")
    moovs = [b for b in top if b.type == b"moov"]
    if len(moovs) != 1:
        raise Unreadable(f"{len(moovs)} moov boxes")
    traks: dict[int, _Trak] = {}
    declared = _moov(reader, moovs[0], traks)
    for box in top:
        if box.type == b"moof":
            _moof(reader, box, traks)
        elif box.type in METADATA:
            reader.frees.append(box)
    seconds = [declared] if declared is not None else []
    seconds += [max(t.ticks) / t.timescale for t in traks.values() if t.ticks and t.timescale]
    tracks = tuple(Track(t.handler, t.codec) for t in traks.values())
    brand = data[top[0].data : top[0].data + 4]
    return Mp4(brand, tracks, max(seconds) if seconds else None, _freed(data, reader.frees))


def _moov(reader: _Reader, moov: _Box, traks: dict[int, _Trak]) -> float | None:
    """Reads the movie header, the tracks and mvex; returns the movie's declared length."""
    declared: list[float] = []
    defaults: dict[int, int] = {}  # track ID -> default sample duration (mvex/trex)
    timescale = 0
    for box in reader.boxes(moov.data, moov.end):
        if box.type == b"mvhd":
            version, _, pos = reader.full(box, 16, 28)
            if version == 1:
                timescale, duration = reader.u32(pos + 16), reader.u64(pos + 20)
            else:
                timescale, duration = reader.u32(pos + 8), reader.u32(pos + 12)
            if timescale and duration not in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
                declared.append(duration / timescale)
        elif box.type == b"trak":
            trak = _trak(reader, box)
            if trak.id in traks:
                raise Unreadable("two tracks with one ID")
            traks[trak.id] = trak
        elif box.type == b"mvex":
            for child in reader.boxes(box.data, box.end):
                if child.type == b"trex":
                    _, _, pos = reader.full(child, 20)
                    defaults[reader.u32(pos)] = reader.u32(pos + 8)
                elif child.type == b"mehd" and timescale:
                    version, _, pos = reader.full(child, 4, 8)
                    fragments = reader.u64(pos) if version == 1 else reader.u32(pos)
                    declared.append(fragments / timescale)
        elif box.type in METADATA:
            reader.frees.append(box)
    for track_id, default_duration in defaults.items():
        if track_id in traks:
            traks[track_id].default_sample_duration = default_duration
    return max(declared) if declared else None


def _trak(reader: _Reader, trak_box: _Box) -> _Trak:
    trak = _Trak()
    pending = [trak_box]  # containers still to walk
    while pending:
        container = pending.pop()
        for box in reader.boxes(container.data, container.end):
            if box.type in METADATA:
                reader.frees.append(box)
            elif box.type in CONTAINERS:
                pending.append(box)
            elif box.type == b"tkhd":
                version, _, pos = reader.full(box, 12, 20)
                trak.id = reader.u32(pos + (16 if version == 1 else 8))
            elif box.type == b"mdhd":
                version, _, pos = reader.full(box, 16, 28)
                if version == 1:
                    trak.timescale, duration = reader.u32(pos + 16), reader.u64(pos + 20)
                else:
                    trak.timescale, duration = reader.u32(pos + 8), reader.u32(pos + 12)
                if duration not in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
                    trak.ticks.append(duration)
            elif box.type == b"hdlr":
                _, _, pos = reader.full(box, 8)
                trak.handler = reader.data[pos + 4 : pos + 8]
            elif box.type == b"stsd":
                _, _, pos = reader.full(box, 4)
                entries = reader.boxes(pos + 4, box.end)
                trak.codec = entries[0].type if entries else b""
            elif box.type == b"stts":
                trak.ticks.append(_stts(reader, box))
    return trak


def _stts(reader: _Reader, box: _Box) -> int:
    _, _, pos = reader.full(box, 4)
    count = reader.u32(pos)
    if pos + 4 + 8 * count > box.end:
        raise Unreadable("stts runs past its box")
    total = 0
    for i in range(count):
        samples, delta = struct.unpack_from(">II", reader.data, pos + 4 + 8 * i)
        total += samples * delta
    return total


def _moof(reader: _Reader, moof: _Box, traks: dict[int, _Trak]) -> None:
    for traf in reader.boxes(moof.data, moof.end):
        if traf.type != b"traf":
            continue
        trak: _Trak | None = None
        default_duration = 0
        start: int | None = None
        total = 0
        for box in reader.boxes(traf.data, traf.end):
            if box.type == b"tfhd":
                _, flags, pos = reader.full(box, 4)
                trak = traks.get(reader.u32(pos))
                if trak is None:
                    raise Unreadable("a fragment of a track that moov does not declare")
                default_duration = trak.default_sample_duration
                pos += 4 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
                if flags & 0x08:
                    if pos + 4 > box.end:
                        raise Unreadable("tfhd is too short")
                    default_duration = reader.u32(pos)
            elif box.type == b"tfdt":
                version, _, pos = reader.full(box, 4, 8)
                start = reader.u64(pos) if version == 1 else reader.u32(pos)
            elif box.type == b"trun":
                if trak is None:
                    raise Unreadable("trun before tfhd")
                total += _trun(reader, box, default_duration)
        if trak is None:
            raise Unreadable("traf without tfhd")
        begin = start if start is not None else trak.next_fragment_start
        trak.next_fragment_start = begin + total
        trak.ticks.append(begin + total)


def _trun(reader: _Reader, box: _Box, default_duration: int) -> int:
    """The sum of the sample durations in one track run."""
    _, flags, pos = reader.full(box, 4)
    count = reader.u32(pos)
    if count > MAX_SAMPLES:
        raise Unreadable("too many samples in a run")
    pos += 4 + (4 if flags & 0x001 else 0) + (4 if flags & 0x004 else 0)
    fields = [bit for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit]
    stride = 4 * len(fields)
    if pos + stride * count > box.end:
        raise Unreadable("trun runs past its box")
    if not flags & 0x100:
        if not default_duration and count:
            raise Unreadable("samples without a duration")
        return count * default_duration
    return sum(reader.u32(pos + i * stride) for i in range(count))


def _freed(data: bytes, boxes: list[_Box]) -> bytes:
    """`data` with each box turned into a `free` box of the same length, its content zeroed."""
    if not boxes:
        return data
    out = bytearray(data)
    for box in boxes:
        out[box.start + 4 : box.start + 8] = b"free"
        out[box.data : box.end] = bytes(box.end - box.data)
    return bytes(out)
