from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from sahl.payments.adapters import GatewayUnavailable

MAX_ATTEMPTS = 8


@task()
def refund_payment(intent_id: int, attempt: int = 1) -> None:
    """Refund through the gateway; a gateway that does not answer is tried again later."""
    from sahl.payments.services import refund

    try:
        refund(intent_id)
    except GatewayUnavailable:
        if attempt >= MAX_ATTEMPTS:
            raise
        later = timezone.now() + dt.timedelta(seconds=min(3600, 2**attempt * 5))
        refund_payment.using(run_after=later).enqueue(intent_id, attempt + 1)
