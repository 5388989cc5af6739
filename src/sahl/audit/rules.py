"""The chain, in pure functions: the canonical form of an entry, its MAC (HMAC-SHA-256 under the
audit key; entries written before keys, SHA-256), the walk that finds the first entry that was
changed or removed, and the signed statement of a checkpoint. Masking of identifiers for log
lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64  # the previous hash of the first entry

# The fields an entry's SHA-256 covered before the audit key (entries whose key_id is empty), in
# the order of the canonical form (keys are sorted anyway).
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
# A keyed entry's MAC covers these and the id of the key that made it.
MACED_FIELDS = (*HASHED_FIELDS, "key_id")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("audit times must be aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def canonical(fields: Mapping[str, object], names: tuple[str, ...] = HASHED_FIELDS) -> bytes:
    """UTF-8 JSON of exactly the named fields, keys sorted, no spaces: the same entry always gives
    the same bytes, whatever the database or the order the fields came in."""
    missing = [name for name in names if name not in fields]
    if missing:
        raise ValueError(f"missing fields: {', '.join(missing)}")
    plain = {name: _plain(fields[name]) for name in names}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(fields: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the canonical form, which includes the previous entry's hash: how entries
    were chained before the audit key. Anyone can recompute it; kept to verify those entries."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def entry_mac(fields: Mapping[str, object], key: bytes) -> str:
    """HMAC-SHA-256 (hex) under the audit key of the canonical form with the key's id: without the
    key, nobody can make an entry, or a chain after a changed one, that verifies."""
    return hmac.new(key, canonical(fields, MACED_FIELDS), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Broken:
    """The first entry that does not fit the chain, and why."""

    entry_id: int
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry_id} (sequence {self.sequence}): {self.reason}"


def first_break(
    entries: Iterable[Mapping[str, object]],
    keys: Mapping[str, bytes],
    head: tuple[int, str] | None = None,
    checkpoints: Mapping[int, str] | None = None,
) -> tuple[Broken | None, int]:
    """Walk the entries in sequence order. Returns the first broken entry (or None) and how many
    entries were checked. An entry is broken when its MAC does not match its content (changed),
    when it names a key not in `keys` (key id to MAC key), when it has no key after keyed
    entries, when its previous hash or sequence does not follow the entry before (one removed
    before it), or when it differs from a signed checkpoint of its sequence (`checkpoints`:
    sequence to head). Unkeyed entries are a prefix that a keyed one must follow (it pins them).
    `head` is the (sequence, hash) the log says it last wrote, and the highest checkpoint the
    furthest it ever got: entries removed from the end show against them."""
    checkpoints = checkpoints or {}
    previous_hash, previous_sequence, count = GENESIS, 0, 0
    last_id, keyed = 0, False
    for fields in entries:
        count += 1
        entry_id, sequence = int(str(fields["id"])), int(str(fields["sequence"]))
        key_id = str(fields.get("key_id") or "")
        if key_id:
            key = keys.get(key_id)
            if key is None:
                return Broken(
                    entry_id, sequence, f"it names a key this server does not hold ({key_id})"
                ), count
            expected, what = entry_mac(fields, key), "MAC"
        elif keyed:
            return Broken(
                entry_id, sequence, "it has no MAC although entries before it have (inserted)"
            ), count
        else:
            expected, what = entry_hash(fields), "hash"
        if not hmac.compare_digest(str(fields["hash"]), expected):
            return Broken(entry_id, sequence, f"its content does not match its {what} (changed)"), count
        if fields["previous_hash"] != previous_hash or sequence != previous_sequence + 1:
            return Broken(
                entry_id, sequence, "it does not follow the entry before (an entry before it was removed)"
            ), count
        signed = checkpoints.get(sequence)
        if signed is not None and signed != fields["hash"]:
            return Broken(
                entry_id, sequence, "it differs from the signed checkpoint of its sequence (rewritten)"
            ), count
        previous_hash, previous_sequence, last_id, keyed = (
            str(fields["hash"]),
            sequence,
            entry_id,
            keyed or bool(key_id),
        )
    if count and not keyed:
        return Broken(
            last_id, previous_sequence, "no keyed entry follows the unkeyed ones (not sealed)"
        ), count
    if head is not None and head != (previous_sequence, previous_hash):
        return Broken(
            last_id, previous_sequence, f"entries after it were removed (the log wrote up to {head[0]})"
        ), count
    furthest = max(checkpoints, default=0)
    if furthest > previous_sequence:
        return Broken(
            last_id,
            previous_sequence,
            f"entries after it were removed (a signed checkpoint covers {furthest})",
        ), count
    return None, count


# --- Checkpoints ---------------------------------------------------------------------------------

CHECKPOINT_CONTEXT = b"sahl audit checkpoint v1\n"  # what the signature is over, so it signs nothing else


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the chain reached `sequence` with `head` at time `at`."""

    sequence: int
    head: str
    at: str  # ISO 8601, UTC
    key_id: str
    signature: str  # base64url Ed25519 over statement()

    def statement(self) -> bytes:
        body = {"at": self.at, "head": self.head, "key": self.key_id, "sequence": self.sequence}
        return CHECKPOINT_CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        body = {
            "sequence": self.sequence,
            "head": self.head,
            "at": self.at,
            "key": self.key_id,
            "signature": self.signature,
        }
        return json.dumps(body, separators=(",", ":")) + "\n"


def parse_checkpoint(line: str) -> Checkpoint | None:
    """A line of the checkpoint file, or None when it is not one (torn, edited into something else)."""
    try:
        body = json.loads(line)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    sequence, head, at, key_id, signature = (
        body.get(name) for name in ("sequence", "head", "at", "key", "signature")
    )
    if not (isinstance(sequence, int) and not isinstance(sequence, bool) and sequence > 0):
        return None
    if not all(isinstance(value, str) for value in (head, at, key_id, signature)):
        return None
    return Checkpoint(sequence, str(head), str(at), str(key_id), str(signature))


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
