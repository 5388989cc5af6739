"""Ending documents: a new document revokes the ones it replaces or cancels, a revoked power of
attorney takes its document with it, a cancelled commercial licence takes the company's, and an
operator suspends, reinstates or revokes one. Every credential of the document follows at once on
its status list."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.applications.models import Application, IssuedDocument
from sahl.catalogue.services import definition_of
from sahl.core.errors import BadInput, NotFound
from sahl.wallet import registered, rules, status
from sahl.wallet.models import Credential


def revoke(documents: QuerySet[IssuedDocument]) -> int:
    """Revoke documents and every credential of them, at once (the status lists change now)."""
    ids = list(documents.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    IssuedDocument.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
    status.set_status(list(Credential.objects.filter(document_id__in=ids)), Credential.Status.REVOKED)
    return len(ids)


def end_replaced(document: IssuedDocument) -> int:
    """A new document revokes the ones it replaces or cancels (docs/wallet-qr-profile.md), and the
    register copies follow the registers it changed (a renewal's new expiry, a sale's new owner).
    `document` comes with its application and the application's version."""
    application = document.application
    if rules.moves_register_copies(document.document, definition_of(application.version).effects):
        registered.follow(document)
    earlier = IssuedDocument.objects.exclude(pk=document.pk)
    if document.document in rules.ONE_PER_ITEM:
        field_name = rules.ONE_PER_ITEM[document.document]
        item = application.form_data.get(field_name)
        if not item:
            return 0
        return revoke(
            earlier.filter(document=document.document, **{f"application__form_data__{field_name}": item})
        )
    ended = rules.ended_types(document.document)
    if not ended:
        return 0
    return revoke(earlier.filter(holder_civil_id=document.holder_civil_id, document__in=ended))


def end_power_of_attorney(application_reference: str) -> int:
    return revoke(
        IssuedDocument.objects.filter(
            application__reference=application_reference, document="power_of_attorney"
        )
    )


def end_company_licence(number: str) -> int:
    """A cancelled licence takes with it every document certifying the company's record, whoever
    holds it: the company, or an owner who filed the renewal for themselves."""
    # Two index reads, not one OR across the join (which read every document of the kind: seconds
    # at the country's size, in the cancellation's transaction): those it holds, and those of the
    # applications filed for it (`application_of_company`).
    found: list[int] = []
    for document_type, answer in rules.COMPANY_DOCUMENTS.items():
        held = IssuedDocument.objects.filter(document=document_type, holder_civil_id=number)
        filed_for = IssuedDocument.objects.filter(
            document=document_type,
            application__in=Application.objects.filter(
                **{"form_data__has_key": answer, f"form_data__{answer}": number}
            ).values("pk"),
        )
        found += held.values_list("pk", flat=True)
        found += filed_for.values_list("pk", flat=True)
    return revoke(IssuedDocument.objects.filter(pk__in=found))


def change_status(verification_code: str, action: str) -> IssuedDocument:
    """An operator suspends, reinstates or revokes a document (e.g. a licence withdrawn by a court)."""
    document = IssuedDocument.objects.filter(verification_code=verification_code).first()
    if document is None:
        raise NotFound("document.not_found")
    with transaction.atomic():
        if action == "revoke":
            revoke(IssuedDocument.objects.filter(pk=document.pk))
        elif action in ("suspend", "reinstate"):
            if document.revoked_at is not None:
                raise BadInput("wallet.document_revoked")
            value = Credential.Status.SUSPENDED if action == "suspend" else Credential.Status.VALID
            status.set_status(list(Credential.objects.filter(document=document)), value)
        else:
            raise BadInput("wallet.unknown_action")
    document.refresh_from_db()
    return document
