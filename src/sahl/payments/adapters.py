"""The payment gateway, behind a Protocol. `KnetGateway` speaks the KNET-style protocol over HTTP
(JSON requests signed with the merchant secret; results signed back); the simulated gateway in
`sahl.knet_sim` answers it in development and tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from sahl.core import outside, untrusted
from sahl.core.errors import Unavailable
from sahl.core.money import Money
from sahl.core.signing import sign, verify


class GatewayUnavailable(Unavailable):
    def __init__(self) -> None:
        super().__init__("payment.gateway_unavailable")


@dataclass(frozen=True)
class Started:
    payment_id: str
    url: str


@dataclass(frozen=True)
class GatewayResult:
    payment_id: str
    reference: str
    amount: str
    currency: str
    result: str  # CAPTURED, DECLINED, CANCELLED


# What an inquiry can learn of a payment at the gateway.
CAPTURED, FAILED, PENDING, UNKNOWN = "captured", "failed", "pending", "unknown"
# The gateway's result for a payment, as an inquiry reads it. A timeout is not captured: the
# gateway reverses an authorisation the bank never confirmed ("NOT CAPTURED" at KNET).
INQUIRY_STATES = {
    "CAPTURED": CAPTURED,
    "DECLINED": FAILED,
    "CANCELLED": FAILED,
    "TIMEOUT": FAILED,
    "NOT CAPTURED": FAILED,
    "initiated": PENDING,
}


@dataclass(frozen=True)
class Inquiry:
    """What the gateway says of a payment asked about by our reference; `result` is its signed
    result, verified, when it has one."""

    state: str
    result: GatewayResult | None = None


@dataclass(frozen=True)
class ReportLine:
    payment_id: str
    reference: str
    amount: str
    state: str


class PaymentGateway(Protocol):
    def start(self, reference: str, amount: Money, return_url: str, callback_url: str) -> Started: ...

    def verify(self, message: dict[str, Any]) -> GatewayResult | None:
        """The result if the gateway's signature holds, else None."""

    def refund(self, payment_id: str, amount: Money) -> None: ...

    def inquire(self, reference: str) -> Inquiry:
        """The payment's real state at the gateway; GatewayUnavailable when it does not answer."""

    def report(self, day: dt.date) -> list[ReportLine]: ...


def http_client() -> httpx.Client:
    """Timeouts on connect and read; no redirects followed."""
    return httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0), follow_redirects=False)


class KnetGateway:
    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        outside.leaving("the payment gateway")
        try:
            with http_client() as client:
                response = client.post(
                    f"{self.base_url}{path}",
                    json=payload,
                    headers={"X-Signature": sign(payload, self.secret)},
                )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            raise GatewayUnavailable() from None
        if not isinstance(body, dict):
            raise GatewayUnavailable()
        return body

    def start(self, reference: str, amount: Money, return_url: str, callback_url: str) -> Started:
        body = self._post(
            "/api/payments",
            {"reference": reference, "amount": amount.amount, "currency": amount.currency,
             "return_url": return_url, "callback_url": callback_url},
        )  # fmt: skip
        return Started(str(body["payment_id"]), str(body["payment_url"]))

    def verify(self, message: dict[str, Any]) -> GatewayResult | None:
        fields = ("payment_id", "reference", "amount", "currency", "result", "at")
        if not isinstance(message, dict) or not all(isinstance(message.get(f), str) for f in fields):
            return None
        if not verify({f: message[f] for f in fields}, str(message.get("signature", "")), self.secret):
            return None
        return GatewayResult(*(message[f] for f in fields[:5]))

    def refund(self, payment_id: str, amount: Money) -> None:
        self._post("/api/refunds", {"payment_id": payment_id, "amount": amount.amount})

    def _get(self, path: str, payload: dict[str, str]) -> httpx.Response:
        outside.leaving("the payment gateway")
        try:
            with http_client() as client:
                return client.get(
                    f"{self.base_url}{path}",
                    params=payload,
                    headers={"X-Signature": sign(payload, self.secret)},
                )
        except httpx.HTTPError:
            raise GatewayUnavailable() from None

    def inquire(self, reference: str) -> Inquiry:
        response = self._get("/api/inquiry", {"reference": reference})
        if response.status_code == 404:
            return Inquiry(UNKNOWN)  # the gateway never opened a payment under this reference
        try:
            response.raise_for_status()
            body = untrusted.loads(response.content)
        except (httpx.HTTPError, ValueError):
            raise GatewayUnavailable() from None
        result = self.verify(body) if isinstance(body, dict) else None
        if result is None or result.reference != reference:
            return Inquiry(UNKNOWN)  # an answer we cannot trust tells us nothing
        return Inquiry(INQUIRY_STATES.get(result.result, UNKNOWN), result)

    def report(self, day: dt.date) -> list[ReportLine]:
        response = self._get("/api/report", {"date": day.isoformat()})
        try:
            response.raise_for_status()
            rows = response.json()["payments"]
        except (httpx.HTTPError, ValueError, KeyError):
            raise GatewayUnavailable() from None
        return [ReportLine(r["payment_id"], r["reference"], r["amount"], r["state"]) for r in rows]


@cache
def gateway() -> PaymentGateway:
    factory = import_string(settings.SAHL_PAYMENT_GATEWAY)
    return factory(settings.SAHL_KNET_URL, settings.SAHL_KNET_SECRET)
