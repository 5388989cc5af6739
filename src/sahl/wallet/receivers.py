"""The wallet hears when documents are issued and powers of attorney end, inside their transaction,
so a replaced document is revoked in the same commit that issues its successor."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from sahl.applications.services import document_issued
from sahl.mandates.services import mandate_revoked
from sahl.wallet import services


@receiver(document_issued)
def _document_issued(sender: Any, document: Any, **kwargs: Any) -> None:
    services.end_replaced(document)


@receiver(mandate_revoked)
def _mandate_revoked(sender: Any, mandate: Any, **kwargs: Any) -> None:
    services.end_power_of_attorney(mandate.application_reference)
