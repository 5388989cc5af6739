"""Signed checkpoints of the audit chain's head, kept outside the database, as Certificate
Transparency keeps signed tree heads: one JSON line per checkpoint appended to the file
SAHL_AUDIT_CHECKPOINTS (docs/adr/0024-audit-mac-and-checkpoints.md). Whoever rewrites the
database cannot make the entry at a checkpoint's sequence match its head again, and cannot sign a
checkpoint without the audit key."""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sahl.audit import keys, rules
from sahl.audit.models import AuditEntry, AuditHead

log = logging.getLogger(__name__)
TAIL = 8192  # bytes read from the end to find the last line (a line is about 200)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(sequence: int, head: str, key: keys.AuditKey) -> rules.Checkpoint:
    at = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = rules.Checkpoint(sequence, head, at, key.key_id, "")
    return rules.Checkpoint(sequence, head, at, key.key_id, _b64(key.signer.sign(unsigned.statement())))


def signature_holds(checkpoint: rules.Checkpoint, known: dict[str, keys.AuditKey]) -> bool | None:
    """True when the signature verifies, False when it does not, None when the key is unknown."""
    key = known.get(checkpoint.key_id)
    if key is None:
        return None
    try:
        key.public.verify(_unb64(checkpoint.signature), checkpoint.statement())
    except (InvalidSignature, ValueError):
        return False
    return True


# --- Writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    outcome: str  # written, unchanged (already checkpointed), empty (no entry yet), refused
    checkpoint: rules.Checkpoint | None = None
    reason: str = ""


def publish(path: Path | None = None) -> Published:
    """Sign the committed head and append it to the file, unless it is already there. Refused
    (and logged) when the newest entry does not verify under the key, or the log is behind its
    last checkpoint: signing either would vouch for a rewrite."""
    path = Path(path or settings.SAHL_AUDIT_CHECKPOINTS)
    # Durable: raises inside someone's transaction, so the head read here is committed and a file
    # line is never written for entries that could still roll back.
    with transaction.atomic(durable=True):
        head = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()
        newest = None
        if head is not None and head[0] > 0:
            newest = (
                AuditEntry.objects.filter(sequence=head[0]).values("id", "hash", *rules.MACED_FIELDS).first()
            )
    if head is None or head[0] == 0:
        return Published("empty")
    key = keys.current()
    sequence, mac = head
    if newest is None or not _holds(newest, mac):
        return _refused(sequence, "the newest entry does not verify under the audit key")
    with _appending(path) as fd:
        last = _last(fd)
        if last is not None and last.sequence >= sequence:
            if (last.sequence, last.head) == (sequence, mac):
                return Published("unchanged", last)
            return _refused(
                sequence, f"the log is behind or apart from its last checkpoint ({last.sequence})"
            )
        checkpoint = sign(sequence, mac, key)
        line = checkpoint.line().encode()
        if os.fstat(fd).st_size and os.pread(fd, 1, os.fstat(fd).st_size - 1) != b"\n":
            line = b"\n" + line  # a torn last line stays a line of its own
        os.write(fd, line)  # one write, O_APPEND: never interleaved with another writer's
        os.fsync(fd)
    log.info("audit checkpoint written", extra={"audit_sequence": sequence})
    return Published("written", checkpoint)


def _holds(newest: dict[str, object], head_mac: str) -> bool:
    key = keys.known().get(str(newest["key_id"]))
    return key is not None and newest["hash"] == head_mac and rules.entry_mac(newest, key.mac_key) == head_mac


def _refused(sequence: int, reason: str) -> Published:
    log.error("audit checkpoint refused", extra={"audit_sequence": sequence, "reason": reason})
    return Published("refused", reason=reason)


@contextmanager
def _appending(path: Path) -> Iterator[int]:
    """The file opened for appending under an exclusive lock (writers on one machine queue); a new
    file's directory entry is made durable too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if new:
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _last(fd: int) -> rules.Checkpoint | None:
    size = os.fstat(fd).st_size
    start = max(0, size - TAIL)
    lines = os.pread(fd, size - start, start).decode("utf-8", "replace").splitlines()
    for line in reversed(lines):
        if line.strip():
            return rules.parse_checkpoint(line)
    return None


# --- Reading --------------------------------------------------------------------------------------


def lines(path: Path | None = None) -> Iterator[tuple[int, rules.Checkpoint | None]]:
    """Each non-empty line of the file with its number: the checkpoint, or None when it is not one."""
    path = Path(path or settings.SAHL_AUDIT_CHECKPOINTS)
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, start=1):
            if line.strip():
                yield number, rules.parse_checkpoint(line)


@dataclass(frozen=True)
class Checked:
    trusted: dict[int, str]  # sequence -> head, from checkpoints whose signature verifies
    count: int
    problems: list[str]  # by line and sequence, never content


def check(path: Path | None = None) -> Checked:
    """Every checkpoint's signature, and that no two signed ones disagree about a sequence."""
    known = keys.known()
    trusted: dict[int, str] = {}
    problems: list[str] = []
    count = 0
    for number, checkpoint in lines(path):
        if checkpoint is None:
            problems.append(f"checkpoint line {number}: not a checkpoint")
            continue
        where = f"checkpoint line {number} (sequence {checkpoint.sequence})"
        holds = signature_holds(checkpoint, known)
        if holds is None:
            problems.append(
                f"{where}: signed with a key this server does not hold ({checkpoint.key_id[:16]})"
            )
        elif not holds:
            problems.append(f"{where}: its signature does not verify")
        elif trusted.get(checkpoint.sequence, checkpoint.head) != checkpoint.head:
            problems.append(f"{where}: another signed checkpoint gives this sequence another head")
        else:
            trusted[checkpoint.sequence] = checkpoint.head
            count += 1
    return Checked(trusted, count, problems)


@dataclass(frozen=True)
class Latest:
    checkpoint: rules.Checkpoint
    signature_holds: bool


def latest(path: Path | None = None) -> Latest | None:
    """The last checkpoint written and whether its signature verifies (reads the file's tail)."""
    path = Path(path or settings.SAHL_AUDIT_CHECKPOINTS)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        found = _last(fd)
    finally:
        os.close(fd)
    if found is None:
        return None
    return Latest(found, signature_holds(found, keys.known()) is True)
