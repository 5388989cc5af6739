"""The simulated gateway calls the merchant back, server to server, retrying like a real one."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
from django.utils import timezone
from django_tasks import task

from sahl.knet_sim.models import SimPayment

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def http_client() -> httpx.Client:
    return httpx.Client(timeout=10.0, follow_redirects=False)


@task()
def deliver_result(payment_id: str, attempt: int) -> None:
    from sahl.knet_sim.services import result_of

    found = SimPayment.objects.get(payment_id=payment_id)
    try:
        with http_client() as client:
            response = client.post(found.callback_url, json=result_of(found))
        delivered = response.status_code == 200
    except httpx.HTTPError:
        delivered = False
    SimPayment.objects.filter(pk=found.pk).update(callbacks_sent=found.callbacks_sent + 1)
    if not delivered and attempt < MAX_ATTEMPTS:
        log.warning("knet simulator: callback not accepted, retrying", extra={"attempt": attempt})
        later = timezone.now() + dt.timedelta(seconds=2**attempt)
        deliver_result.using(run_after=later).enqueue(payment_id, attempt + 1)
