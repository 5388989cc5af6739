"""The holder's side of Hawiyati: the person's own documents and what each is now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.core.bilingual import BilingualText
from sahl.core.errors import NotFound
from sahl.core.languages import Wording
from sahl.identity.models import User
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


def documents_of(user: User) -> list[WalletDocument]:
    """The person's own documents, newest first, with what each is now."""
    found = list(
        IssuedDocument.objects.filter(holder_civil_id=user.civil_id)
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


def own_document(user: User, document_id: int) -> IssuedDocument:
    """One of the person's documents, or NotFound (someone else's is not theirs to see)."""
    document = (
        IssuedDocument.objects.select_related("application__agency")
        .filter(pk=document_id, holder_civil_id=user.civil_id)
        .first()
    )
    if document is None:
        raise NotFound("document.not_found")
    return document
