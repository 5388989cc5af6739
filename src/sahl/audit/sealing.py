"""Sealing the entries chained before the audit key: one keyed entry after them, whose MAC covers
the last SHA-256 hash, so rewriting any of them now needs the key. Run once by migration 0005
(docs/adr/0024-audit-mac-and-checkpoints.md); rewriting the old entries instead would change
history and go against the append-only trigger."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from sahl.audit import keys, rules

KIND = "chain_keyed"


def seal(entries: Any, heads: Any) -> int | None:
    """Append the sealing entry when the chain ends in unkeyed entries. `entries` and `heads` are
    the AuditEntry and AuditHead models (a migration passes its historical ones). Returns the
    sealing entry's sequence, or None when there was nothing to seal."""
    with transaction.atomic():
        head = heads.objects.select_for_update().filter(pk=1).first()
        last = entries.objects.order_by("-sequence").values("sequence", "key_id").first()
        if head is None or last is None or last["key_id"]:
            return None
        unkeyed = entries.objects.filter(key_id="").count()
        key = keys.current()
        fields: dict[str, object] = dict.fromkeys(rules.MACED_FIELDS, "")
        fields |= {
            "sequence": head.sequence + 1,
            "at": timezone.now(),
            "kind": KIND,
            "agency_id": None,
            "detail": f"sealed {unkeyed} SHA-256 entries",
            "previous_hash": head.hash,
            "key_id": key.key_id,
        }
        mac = rules.entry_mac(fields, key.mac_key)
        entries.objects.create(hash=mac, **fields)
        heads.objects.filter(pk=1).update(sequence=fields["sequence"], hash=mac)
        return int(str(fields["sequence"]))
