"""The wallet listens to documents being issued, powers of attorney ending and commercial licences
being cancelled, at once (inside the announcing transaction): a replaced document is revoked in the
same commit that issues its successor, so no verifier ever sees both valid."""

from __future__ import annotations

from sahl.applications.models import IssuedDocument
from sahl.events.registry import listen
from sahl.events.types import CompanyLicenceCancelled, DocumentIssued, MandateRevoked
from sahl.wallet import revoking


@listen(DocumentIssued, at_once=True)
def document_issued(event: DocumentIssued) -> None:
    found = IssuedDocument.objects.select_related("application__version")
    revoking.end_replaced(found.get(pk=event.document_id))


@listen(MandateRevoked, at_once=True)
def mandate_revoked(event: MandateRevoked) -> None:
    if event.application_reference:
        revoking.end_power_of_attorney(event.application_reference)


@listen(CompanyLicenceCancelled, at_once=True)
def licence_cancelled(event: CompanyLicenceCancelled) -> None:
    revoking.end_company_licence(event.company_number)
