"""The documents the wallet copies from the registers, kept in step with them.

A person holds their civil ID, driving licences, passports and vehicle registrations from their
first visit: the wallet copies what the registers certify (`Registers.documents`) into `RegisterCopy`
rows, from which credentials are issued like any document's. A copy describes its record as it was
copied; when the record changes (a renewal: a new expiry, a new passport number), leaves the person
(a car sold) or ends, the copy is revoked, with every credential of it on the status lists, and a
new copy of the record as it is now is offered.

Two moments keep them in step: every read of the holder's wallet (`keep_in_step`, so a change made
to a register outside Sahl is caught the next time the holder looks), and at once inside the
transaction of an application that changed the register (`follow`, heard through
`document.issued`), so no verifier sees the old and the new both valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.registry.adapters import RegisterDocument, registers
from sahl.registry.companies import is_company_number
from sahl.wallet import rules, status
from sahl.wallet.models import Credential, RegisterCopy


def _same(copy: RegisterCopy, record: RegisterDocument) -> bool:
    """The copy still says what the register says."""
    return (
        copy.number == record.number
        and copy.valid_until == record.expires_on
        and copy.issued_on == record.issued_on
        and copy.details == record.details
    )


def _covering(holder: str, issued: Iterable[IssuedDocument]) -> set[tuple[str, str]]:
    """(type, item) of the live application documents that stand for a register copy: a vehicle's
    registration by its plate, any other by its type alone ("")."""
    day = timezone.localdate()
    covered: set[tuple[str, str]] = set()
    for d in issued:
        if d.document not in rules.COVERED_BY_APPLICATIONS or d.revoked_at is not None:
            continue
        if d.valid_until is not None and d.valid_until < day:
            continue
        field = rules.ONE_PER_ITEM.get(d.document)
        covered.add((d.document, str(d.application.form_data.get(field, "")) if field else ""))
    return covered


def _covered(record: RegisterDocument, covered: set[tuple[str, str]]) -> bool:
    item = record.number if record.kind in rules.ONE_PER_ITEM else ""
    return (record.kind, item) in covered


def end(copies: Iterable[RegisterCopy]) -> int:
    """Revoke copies and every credential issued from them (the status lists change now)."""
    ids = [c.pk for c in copies if c.revoked_at is None]
    if not ids:
        return 0
    RegisterCopy.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
    status.set_status(list(Credential.objects.filter(copy_id__in=ids)), Credential.Status.REVOKED)
    return len(ids)


def keep_in_step(holder: str, issued: Sequence[IssuedDocument] | None = None) -> list[RegisterCopy]:
    """Bring the holder's copies in line with the registers and give the live ones (civil ID first).
    `issued`: the holder's application documents, when the caller has read them already.

    In a transaction, so that its reads are the primary's (core.replicas), never a lagging replica's
    that would copy a record twice; two tabs copying at once meet the one-live-copy constraint, and
    the second reads what the first made."""
    if is_company_number(holder):
        return []  # a company holds what its applications issued; the registers certify no person here
    try:
        with transaction.atomic():
            return _keep_in_step(holder, issued)
    except IntegrityError:
        with transaction.atomic():
            return _keep_in_step(holder, issued)


def _keep_in_step(holder: str, issued: Sequence[IssuedDocument] | None) -> list[RegisterCopy]:
    if issued is None:
        issued = list(IssuedDocument.objects.filter(holder_civil_id=holder).select_related("application"))
    covered = _covering(holder, issued)
    wanted = {
        r.record: r
        for r in registers().documents(holder, timezone.localdate())
        if r.kind in rules.REGISTER_DOCUMENTS and not _covered(r, covered)
    }
    live = list(RegisterCopy.objects.filter(holder_civil_id=holder, revoked_at__isnull=True))
    stale = [c for c in live if c.record not in wanted or not _same(c, wanted[c.record])]
    end(stale)
    kept = {c.record: c for c in live if c not in stale}
    made = [
        RegisterCopy(
            holder_civil_id=holder,
            document=r.kind,
            record=r.record,
            number=r.number,
            agency=r.agency,
            issued_on=r.issued_on,
            valid_until=r.expires_on,
            details=r.details,
        )
        for key, r in wanted.items()
        if key not in kept
    ]
    for copy in made:
        copy.save()  # one by one: few, and the rows' ids are needed at once
    order = list(rules.REGISTER_DOCUMENTS)
    return sorted([*kept.values(), *made], key=lambda c: (order.index(c.document), c.number))


def follow(document: IssuedDocument) -> None:
    """An application issued a document (inside its transaction, after the register changed): the
    copies of its holder follow the register, and so do those of the item's earlier holder (a sold
    car leaves the seller's wallet)."""
    holders = {document.holder_civil_id}
    field = rules.ONE_PER_ITEM.get(document.document)
    item = document.application.form_data.get(field) if field else None
    if item:
        holders |= set(
            RegisterCopy.objects.filter(
                Q(document=document.document, number=str(item)), revoked_at__isnull=True
            ).values_list("holder_civil_id", flat=True)
        )
    for holder in sorted(holders):
        keep_in_step(holder)
