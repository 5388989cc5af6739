"""Writing the audit log (one serialised append per entry, MACed under the audit key), the person's
view of who looked at their data, and the walk that verifies the chain against the signed
checkpoints."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from sahl.audit import checkpoints, keys, rules, tasks
from sahl.audit.models import AuditEntry, AuditHead
from sahl.core.languages import in_language
from sahl.identity.models import User

if TYPE_CHECKING:
    from sahl.catalogue.models import Agency

log = logging.getLogger(__name__)
Kind = AuditEntry.Kind
SECURITY_KINDS = (
    Kind.LOGIN,
    Kind.LOGIN_FAILED,
    Kind.LOGOUT,
    Kind.MFA_CHANGED,
    Kind.PROOF_STARTED,
    Kind.PROOF_REFUSED,
    Kind.ACCOUNT_OPENED,
    Kind.PASSWORD_RESET,
    Kind.MANDATE_GRANTED,
    Kind.MANDATE_REVOKED,
    Kind.ACCESS_REFUSED,
    Kind.DATA_EXPORTED,
    Kind.LOGOUT_EVERYWHERE,
    Kind.APP_AUTHORISED,
    Kind.APP_REVOKED,
    Kind.STAFF_APPOINTED,
    Kind.STAFF_REMOVED,
)
SHOWN = 200  # entries per section of the person's page


def append(
    kind: str,
    *,
    actor: User | None = None,
    actor_civil_id: str = "",
    actor_name: tuple[str, str] = ("", ""),
    subject_civil_id: str = "",
    agency_id: int | None = None,
    application_reference: str = "",
    data: str = "",
    purpose: str = "",
    address: str = "",
    detail: str = "",
) -> AuditEntry:
    """Add one entry at the end of the chain. Runs in its own (nested) transaction: the head row is
    locked, so concurrent writers queue and each entry follows exactly one other. Every
    SAHL_AUDIT_CHECKPOINT_EVERY-th entry queues a checkpoint, in the same transaction (a rolled-back
    entry leaves none; the file is written by the worker after commit)."""
    if actor is not None:
        actor_civil_id, actor_name = actor.civil_id, (actor.name_ar, actor.name_en)
    key = keys.current()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, sequence=0, hash=rules.GENESIS)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            at=timezone.now(),
            kind=kind,
            actor_civil_id=actor_civil_id[:12],
            actor_name_ar=actor_name[0][:200],
            actor_name_en=actor_name[1][:200],
            subject_civil_id=subject_civil_id[:12],
            agency_id=agency_id,
            application_reference=application_reference[:20],
            data=data[:30],
            purpose=purpose.strip()[:500],
            source=rules.truncated_address(address),
            detail=detail[:100],
            previous_hash=head.hash,
            key_id=key.key_id,
        )
        entry.hash = rules.entry_mac(_fields(entry), key.mac_key)
        entry.save()
        AuditHead.objects.filter(pk=1).update(sequence=entry.sequence, hash=entry.hash)
        every = settings.SAHL_AUDIT_CHECKPOINT_EVERY  # 0: only audit_checkpoint writes them
        if every > 0 and entry.sequence % every == 0:
            tasks.checkpoint.enqueue()
    log.info(
        "audit entry written",
        extra={
            "audit_sequence": entry.sequence,
            "audit_kind": kind,
            "actor": rules.mask(entry.actor_civil_id),
            "subject": rules.mask(entry.subject_civil_id),
        },
    )
    return entry


def _fields(entry: AuditEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in rules.MACED_FIELDS}


# --- Security events --------------------------------------------------------------------------


def login(user: User, address: str = "") -> AuditEntry:
    return append(Kind.LOGIN, actor=user, subject_civil_id=user.civil_id, address=address)


def logout(user: User, address: str = "") -> AuditEntry:
    return append(Kind.LOGOUT, actor=user, subject_civil_id=user.civil_id, address=address)


def login_failed(identifier: str, address: str = "") -> AuditEntry:
    """A failed login. Only the masked identifier is kept as typed; when it names an account, the
    entry belongs to that person (they see it). Never the password."""
    identifier = (identifier or "").strip()[:40]
    account = User.objects.filter(civil_id=identifier).only("civil_id").first() if identifier else None
    return append(
        Kind.LOGIN_FAILED,
        subject_civil_id=account.civil_id if account else "",
        address=address,
        detail=rules.mask(identifier),
    )


# --- Reads of a person's data -------------------------------------------------------------------


def record_read(
    staff: User,
    subject_civil_id: str,
    *,
    agency_id: int | None,
    application_reference: str,
    data: str,
    purpose: str = "",
    address: str = "",
) -> AuditEntry:
    """A staff member read a person's data (a case, an attachment, a document)."""
    return append(
        Kind.DATA_READ,
        actor=staff,
        subject_civil_id=subject_civil_id,
        agency_id=agency_id,
        application_reference=application_reference,
        data=data,
        purpose=purpose,
        address=address,
    )


_SYSTEM = pgettext_lazy("audit actor", "{agency} system")  # who read, when an agency's system did


def record_system_read(
    agency: Agency, subject_civil_id: str, *, application_reference: str, data: str, purpose: str
) -> AuditEntry:
    """An agency's system read a person's data (no person behind it)."""
    return append(
        Kind.DATA_READ,
        actor_name=(
            in_language(format_lazy(_SYSTEM, agency=agency.name_ar), "ar"),
            in_language(format_lazy(_SYSTEM, agency=agency.name_en), "en"),
        ),
        subject_civil_id=subject_civil_id,
        agency_id=agency.pk,
        application_reference=application_reference,
        data=data,
        purpose=purpose,
    )


@dataclass(frozen=True)
class AccessLog:
    reads: list[AuditEntry]  # by anyone but the person, newest first
    security: list[AuditEntry]  # the person's own account events, newest first


def access_log(person: User) -> AccessLog:
    """Who looked at the person's data, and their account's security events. Two queries."""
    mine = AuditEntry.objects.filter(subject_civil_id=person.civil_id)
    reads = (
        mine.filter(kind=Kind.DATA_READ)
        .exclude(actor_civil_id=person.civil_id)
        .select_related("agency")
        .order_by("-sequence")[:SHOWN]
    )
    security = mine.filter(kind__in=SECURITY_KINDS).select_related("agency").order_by("-sequence")[:SHOWN]
    return AccessLog(reads=list(reads), security=list(security))


def company_log(number: str) -> list[AuditEntry]:
    """What the people acting for a company did with its data, its representatives' roles given and
    ended, and the refused attempts, newest first. One query."""
    found = AuditEntry.objects.filter(subject_civil_id=number).select_related("agency")
    return list(found.order_by("-sequence")[:SHOWN])


# --- Verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: rules.Broken | None
    checkpoints: int  # signed checkpoints that verified and were held against the chain
    problems: list[str]  # checkpoints that could not be trusted, by line and sequence

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def verify() -> Verification:
    """Walk the whole chain in order (streamed, in chunks) with the audit keys and find the first
    broken entry, holding it against every checkpoint whose signature verifies."""
    # Checkpoints first, then the head: a checkpoint only covers committed entries, so every one
    # read here is at or below the head read after it.
    signed = checkpoints.check()
    names = ("id", "hash", *rules.MACED_FIELDS)
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    entries = AuditEntry.objects.order_by("sequence")
    if head is not None:  # entries written while we walk are for the next run
        entries = entries.filter(sequence__lte=head[0])
    rows = entries.values(*names).iterator(chunk_size=2000)
    macs = {key_id: key.mac_key for key_id, key in keys.known().items()}
    broken, checked = rules.first_break(rows, macs, head, signed.trusted)
    return Verification(checked=checked, broken=broken, checkpoints=signed.count, problems=signed.problems)


# --- Checkpoints, as the operators' page shows them --------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public: str  # Ed25519, raw, base64url: what an outside party checks checkpoints with
    signing: bool  # the key new checkpoints are signed with; the others are retired


@dataclass(frozen=True)
class CheckpointStatus:
    latest: checkpoints.Latest | None
    signed_at: dt.datetime | None
    head_sequence: int
    since: int  # entries written after the latest checkpoint
    keys: list[PublicKey]


def checkpoint_status() -> CheckpointStatus:
    """The latest signed checkpoint (read from the file's tail), how far the log went since, and the
    public keys that check checkpoints. No walk of the chain: that is verify_audit's."""
    latest = checkpoints.latest()
    head = AuditHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
    signed_at = None
    if latest is not None:
        with contextlib.suppress(ValueError):
            signed_at = dt.datetime.fromisoformat(latest.checkpoint.at)
    current = keys.current().key_id
    return CheckpointStatus(
        latest=latest,
        signed_at=signed_at,
        head_sequence=head,
        since=max(head - latest.checkpoint.sequence, 0) if latest else head,
        keys=[PublicKey(k.key_id, k.public_text, k.key_id == current) for k in keys.known().values()],
    )
