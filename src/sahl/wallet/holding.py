"""The holder's side of Hawiyati: the person's own documents (or the company's, acting for it) and
what each is now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.core.bilingual import BilingualText
from sahl.core.errors import NotFound
from sahl.core.languages import Wording
from sahl.mandates.services import Authority
from sahl.wallet import registered, rules
from sahl.wallet.models import Credential, RegisterCopy


@dataclass(frozen=True)
class WalletDocument:
    """One document as the wallet shows it, whichever its source: an application's issued document
    or a copy of a register's record (wallet.registered)."""

    id: int  # the row's, within its source
    source: Literal["application", "register"]
    type: str  # the document type, e.g. driving_licence
    number: str  # the verification code of an application's document, the register's number of a copy
    issued_on: dt.date | None
    valid_until: dt.date | None
    state: str  # valid | expired | suspended | revoked
    configurations: tuple[str, ...]
    name: Wording  # the document type's name (code text), or the issuing service's title (data)

    @property
    def key(self) -> str:
        """The document's name in the wallet, unique across sources (what the web wallet keys on)."""
        return str(self.id) if self.source == APPLICATION else f"r{self.id}"


APPLICATION: Literal["application"] = "application"
REGISTER: Literal["register"] = "register"


def state_of(document: IssuedDocument | RegisterCopy, suspended: bool, day: dt.date) -> str:
    if document.revoked_at is not None:
        return "revoked"
    if suspended:
        return "suspended"
    if document.valid_until is not None and document.valid_until < day:
        return "expired"
    return "valid"


def holder_of(authority: Authority) -> str:
    """Whose wallet a request opens: the company's when acting for it (its signatory or its
    representative), else the person's own; a guardian or an attorney does not hold another
    person's documents."""
    return authority.subject if authority.is_company else authority.actor.civil_id


def documents_of(holder: str) -> list[WalletDocument]:
    """The holder's own documents (a civil ID, or a company's number) with what each is now: what
    the registers certify first (the civil ID, then licences, passports, vehicles, kept in step with
    them), then what applications issued, newest first."""
    found = list(
        IssuedDocument.objects.filter(holder_civil_id=holder)
        .select_related("application__agency")
        .order_by("-issued_on", "-pk")
    )
    copies = registered.keep_in_step(holder, found)
    suspended = set(
        Credential.objects.filter(
            Q(document__in=found) | Q(copy__in=copies), status=Credential.Status.SUSPENDED
        ).values_list("document_id", "copy_id")
    )
    day = timezone.localdate()
    return [
        WalletDocument(
            c.pk,
            REGISTER,
            c.document,
            c.number,
            c.issued_on,
            c.valid_until,
            state_of(c, (None, c.pk) in suspended, day),
            rules.configurations(c.document),
            rules.DOCUMENT_NAMES[c.document],
        )
        for c in copies
    ] + [
        WalletDocument(
            d.pk,
            APPLICATION,
            d.document,
            d.verification_code,
            d.issued_on,
            d.valid_until,
            state_of(d, (d.pk, None) in suspended, day),
            rules.configurations(d.document),
            rules.DOCUMENT_NAMES.get(d.document, BilingualText(d.title_ar, d.title_en)),
        )
        for d in found
    ]


def own_copy(holder: str, copy_id: int) -> RegisterCopy:
    """One of the holder's register copies, or NotFound."""
    copy = RegisterCopy.objects.filter(pk=copy_id, holder_civil_id=holder).first()
    if copy is None:
        raise NotFound("document.not_found")
    return copy


def own_document(holder: str, document_id: int) -> IssuedDocument:
    """One of the holder's documents, or NotFound (someone else's is not theirs to see)."""
    document = (
        IssuedDocument.objects.select_related("application__agency")
        .filter(pk=document_id, holder_civil_id=holder)
        .first()
    )
    if document is None:
        raise NotFound("document.not_found")
    return document
