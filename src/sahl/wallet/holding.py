"""The holder's side of Hawiyati: the person's own documents (or the company's, acting for it) and
what each is now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.core.bilingual import BilingualText
from sahl.core.errors import NotFound
from sahl.core.languages import Wording
from sahl.mandates.services import Authority
from sahl.wallet import rules
from sahl.wallet.models import Credential


@dataclass(frozen=True)
class WalletDocument:
    document: IssuedDocument
    state: str  # valid | expired | suspended | revoked
    configurations: tuple[str, ...]
    name: Wording  # the document type's name (code text), or the issuing service's title (data)


def state_of(document: IssuedDocument, suspended: bool, day: dt.date) -> str:
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
    """The holder's own documents (a civil ID, or a company's number), newest first, with what each
    is now."""
    found = list(
        IssuedDocument.objects.filter(holder_civil_id=holder)
        .select_related("application__agency")
        .order_by("-issued_on", "-pk")
    )
    suspended = set(
        Credential.objects.filter(document__in=found, status=Credential.Status.SUSPENDED).values_list(
            "document_id", flat=True
        )
    )
    day = timezone.localdate()
    return [
        WalletDocument(
            d,
            state_of(d, d.pk in suspended, day),
            rules.configurations(d.document),
            rules.DOCUMENT_NAMES.get(d.document, BilingualText(d.title_ar, d.title_en)),
        )
        for d in found
    ]


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
