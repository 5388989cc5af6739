"""The SMS provider behind one small interface: identity sends login codes through it, the
notifications' SMS channel sends alerts. `SAHL_SMS_GATEWAY` names the implementation: the HTTP
provider below in production, the simulator (`sahl.sms_sim`) when `SAHL_SIMULATORS` is on."""

from __future__ import annotations

from typing import Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from sahl.core import outside
from sahl.core.handover import MaybeSent, NotSent, Refused


class SmsGateway(Protocol):
    def send(self, to: str, text: str, reference: str) -> str:
        """Send `text` to the phone `to` (+965...). `reference` is the same for every attempt of one
        delivery; a gateway that knows it must not send it twice. Returns the provider's id, or
        raises NotSent, Refused or MaybeSent."""


class HttpSmsGateway:
    """A provider's JSON-over-HTTPS API: `POST {SAHL_SMS_URL}` with a bearer token and
    `{"to", "text", "reference"}`; the reference also goes as the `Idempotency-Key` header, so a
    provider that keeps keys sends a retried message once. It answers `{"id": ...}`."""

    def __init__(self) -> None:
        self.url = settings.SAHL_SMS_URL
        self.token = settings.SAHL_SMS_TOKEN

    def send(self, to: str, text: str, reference: str) -> str:
        if not self.url:
            raise NotSent("not-configured")
        outside.leaving("the SMS gateway")
        try:
            response = httpx.post(
                self.url,
                json={"to": to, "text": text, "reference": reference},
                headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": reference},
                timeout=httpx.Timeout(10.0, connect=5.0),
            )
        except (httpx.ConnectError, httpx.ConnectTimeout):  # never reached the provider
            raise NotSent("unreachable") from None
        except httpx.HTTPError as error:  # cut off after the request went: it may have been taken
            raise MaybeSent(type(error).__name__[:40]) from None
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise NotSent(f"http-{response.status_code}")
        if response.status_code >= 400:
            raise Refused(f"http-{response.status_code}")
        try:
            return str(response.json()["id"])[:120]
        except (ValueError, KeyError, TypeError):
            return f"http-{response.status_code}"


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.SAHL_SMS_GATEWAY)()
    return gateway
