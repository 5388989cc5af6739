"""Issued documents' files, off the request: an approval writes the document's row and announces
`document.issued` in its transaction; the PDF is rendered afterwards by the task the event backbone
queues with it (this module's listener), stored, and announced as `document.ready`. The backbone
runs the listener once per event, retries it with backoff when it fails and shows it to operators
when it gives up, so a document is never lost: its row stays, waiting for its file.

A document's PDF is rendered from its row and what it was issued on (the definition the application
was filed under, the register's record on the day of issue), so a retry gives the same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.applications.pdf import PdfDocument, render_pdf
from sahl.applications.reading import acting, answer_rows, application_for, definition_for, document_for
from sahl.core.errors import NotReady
from sahl.events.registry import listen
from sahl.events.services import announce
from sahl.events.types import DocumentIssued, DocumentReady
from sahl.registry.adapters import registers

if TYPE_CHECKING:
    from sahl.applications.reading import Who

# What a person is told to wait before asking for a file not yet rendered (Retry-After).
RETRY_AFTER = 5


@listen(DocumentIssued, priority=10)  # the person waits for it on the page (ADR 0045)
def document_issued(event: DocumentIssued) -> None:
    render(event.document_id)


def render(document_id: int) -> str:
    """Render, store and announce the document's PDF, once: "rendered"; "ready" when its file was
    already there (an agency's upload is only announced); "done" when it was announced before."""
    with transaction.atomic():
        document = (
            IssuedDocument.objects.select_for_update()
            .select_related("application__agency", "application__version")
            .get(pk=document_id)
        )
        if document.ready_at is not None:
            return "done"
        outcome = "ready"
        if not document.pdf:
            pdf = render_pdf(_content(document))
            name = f"{document.application.reference}-{document.document}.pdf"
            document.pdf.save(name, ContentFile(pdf), save=False)
            outcome = "rendered"
        document.ready_at = timezone.now()
        document.save(update_fields=["pdf", "ready_at"])
        announce(DocumentReady(document_id=document.pk, application_id=document.application_id))
    return outcome


def _content(document: IssuedDocument) -> PdfDocument:
    application = document.application
    definition = definition_for(application)
    profile = registers().profile(document.holder_civil_id, document.issued_on)
    if profile is None:  # the register no longer knows the holder: retried, then an operator's
        raise LookupError("the holder is not in the register")
    return PdfDocument(
        title=definition.name,
        agency=application.agency.name,
        reference=application.reference,
        verification_code=document.verification_code,
        verify_url=f"{settings.SAHL_PUBLIC_URL}/verify/{document.verification_code}",
        holder_name=profile.name,
        holder_civil_id=profile.civil_id,
        issued_on=document.issued_on,
        valid_until=document.valid_until,
        fields=tuple(answer_rows(definition, application.form_data, profile)),
    )


# --- Reading ------------------------------------------------------------------------------------


def documents_of(who: Who, reference: str) -> list[IssuedDocument]:
    """The documents of the application issued to the asker, as its page shows them (NotFound for
    an application the asker may not see, exactly as the page)."""
    application = application_for(who, reference)
    return list(application.documents.filter(holder_civil_id=acting(who).subject).order_by("pk"))


def file_of(who: Who, reference: str, document_id: int) -> IssuedDocument:
    """The document to download; NotReady while its file is still being prepared."""
    document = document_for(who, reference, document_id)
    if not document.ready:
        raise NotReady("document.preparing", retry_after=RETRY_AFTER)
    return document
