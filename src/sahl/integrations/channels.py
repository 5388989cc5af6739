"""Agencies' systems as an outbox channel: the application POSTed as a signed JSON event (RFC 9421,
docs/agency-api.md), the answer judged, and an accepted (or at once rejected) delivery recorded on
the application."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx

from sahl.core import outside
from sahl.integrations import rules, services, signatures
from sahl.integrations.models import Connection
from sahl.integrations.rules import Outcome as Judged
from sahl.integrations.rules import Verdict
from sahl.outbox.channels import Failed, Outcome, Retry, Sent
from sahl.outbox.models import Delivery


@dataclass(frozen=True)
class Call:
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float


def _post(call: Call) -> tuple[int | None, bytes, str]:
    """POST with connect and read timeouts, no redirects, the answer cut at MAX_BODY."""
    outside.leaving("an agency's system")
    timeout = httpx.Timeout(call.timeout, connect=min(3.0, call.timeout))
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", call.url, content=call.body, headers=call.headers) as response,
        ):
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > rules.MAX_BODY:
                    break
            return response.status_code, b"".join(chunks), ""
    except httpx.TimeoutException:
        return None, b"", "timed out"
    except httpx.HTTPError as error:
        return None, b"", f"network error: {type(error).__name__}"


class AgencyChannel:
    name = "agency"
    resend_when_cut_off = True  # same event id: the agency de-duplicates (docs/agency-api.md)

    def prepare(self, delivery: Delivery) -> Call:
        code = delivery.destination.removeprefix("agency:")
        connection = Connection.objects.get(agency__code=code)
        key = connection.keys.filter(retired_at__isnull=True).order_by("-created_at").first()
        assert key is not None, "a connection always has a signing key"
        event_id = str(delivery.key)
        body = services.payload(int(delivery.payload["application_id"]), event_id, delivery.created_at)
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        pair = signatures.KeyPair(key.kid, key.private_pem, key.public_raw)
        # The wall clock: the agency checks the signature's time against its own.
        headers = signatures.sign("POST", connection.endpoint, raw, event_id, pair, int(time.time()))
        return Call(connection.endpoint, raw, headers, connection.timeout_seconds)

    def send(self, prepared: Call) -> Outcome:
        status, body, error = _post(prepared)
        verdict = rules.judge(status, body, error)
        if verdict.outcome is Judged.DELIVERED:
            return Sent(
                {
                    "answer": verdict.answer,
                    "reference": verdict.reference,
                    "reason_ar": verdict.reason_ar,
                    "reason_en": verdict.reason_en,
                },
                status,
            )
        if verdict.outcome is Judged.DEAD:
            return Failed(verdict.error, status)
        return Retry(verdict.error, status)

    def settled(self, delivery: Delivery) -> None:
        if delivery.state != Delivery.State.SENT:
            return  # failed for good: on the operators' outbox page until sent again
        result = delivery.result
        verdict = Verdict(
            Judged.DELIVERED,
            result.get("answer", ""),
            reference=result.get("reference", ""),
            reason_ar=result.get("reason_ar", ""),
            reason_en=result.get("reason_en", ""),
        )
        services.delivered(int(delivery.payload["application_id"]), verdict)
