"""The hash chain, in pure functions: the canonical form of an entry, its hash, and the walk that
finds the first entry that was changed or removed. Masking of identifiers for log lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64  # the previous hash of the first entry

# The fields the hash covers, in the order of the canonical form (keys are sorted anyway).
HASHED_FIELDS = (
    "sequence",
    "at",
    "kind",
    "actor_civil_id",
    "actor_name_ar",
    "actor_name_en",
    "subject_civil_id",
    "agency_id",
    "application_reference",
    "data",
    "purpose",
    "source",
    "detail",
    "previous_hash",
)


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("audit times must be aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def canonical(fields: Mapping[str, object]) -> bytes:
    """UTF-8 JSON of exactly the hashed fields, keys sorted, no spaces: the same entry always
    gives the same bytes, whatever the database or the order the fields came in."""
    missing = [name for name in HASHED_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"missing fields: {', '.join(missing)}")
    plain = {name: _plain(fields[name]) for name in HASHED_FIELDS}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(fields: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the canonical form, which includes the previous entry's hash."""
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Broken:
    """The first entry that does not fit the chain, and why."""

    entry_id: int
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry_id} (sequence {self.sequence}): {self.reason}"


def first_break(
    entries: Iterable[Mapping[str, object]], head: tuple[int, str] | None = None
) -> tuple[Broken | None, int]:
    """Walk the entries in sequence order. Returns the first broken entry (or None) and how many
    entries were checked. An entry is broken when its hash does not match its content (changed),
    or when its previous hash or sequence does not follow the entry before (one removed before
    it). `head` is the (sequence, hash) the log says it last wrote: entries removed from the end
    show there."""
    previous_hash, previous_sequence, count = GENESIS, 0, 0
    last_id = 0
    for fields in entries:
        count += 1
        entry_id, sequence = int(str(fields["id"])), int(str(fields["sequence"]))
        if fields["hash"] != entry_hash(fields):
            return Broken(entry_id, sequence, "its content does not match its hash (changed)"), count
        if fields["previous_hash"] != previous_hash or sequence != previous_sequence + 1:
            return Broken(
                entry_id, sequence, "it does not follow the entry before (an entry before it was removed)"
            ), count
        previous_hash, previous_sequence, last_id = str(fields["hash"]), sequence, entry_id
    if head is not None and head != (previous_sequence, previous_hash):
        return Broken(
            last_id, previous_sequence, f"entries after it were removed (the log wrote up to {head[0]})"
        ), count
    return None, count


def mask(identifier: str) -> str:
    """A civil ID (or any login identifier) for a log line or a failed login: its last 4
    characters only."""
    text = (identifier or "").strip()[:40]
    if not text:
        return ""
    return "*" * max(len(text) - 4, 4) + text[-4:] if len(text) > 4 else "*" * 4


def truncated_address(address: str) -> str:
    """An IP address cut to its network (IPv4 /24, IPv6 /48): enough to see a pattern, never the
    person's own address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
