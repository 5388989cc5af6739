"""The browsers' push services (Google's, Mozilla's, Apple's, Microsoft's), an outside system behind
a Protocol. A push is encrypted to the browser's keys (aes128gcm, RFC 8291) by pywebpush and signed
with Sahl's VAPID key (RFC 8292) by py_vapid; it is sent here with httpx (timeouts, no redirects,
the endpoint's addresses checked first: endpoints.py).

The VAPID key: `SAHL_VAPID_PRIVATE_KEY` (the 32-byte P-256 scalar, base64url, as `vapid --gen` and
web-push tools print it), else derived from the deployment's secret key, so that every process of
one deployment signs with one key and `make run` needs nothing (ADR 0055). Browsers tie their
subscription to the public key: changing it (or the secret key it is derived from) ends every
subscription, which the push services then answer 403/410 for."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from py_vapid import Vapid02

from sahl.core import outside
from sahl.core.handover import NotSent, Refused
from sahl.notifications import endpoints

TTL = 24 * 3600  # seconds a push service keeps a push for a device that is off
TIMEOUT = 10.0
# P-256's group order: a derived scalar is taken modulo it (and is never 0).
_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass(frozen=True)
class Push:
    endpoint: str
    p256dh: str  # the browser's public key, base64url
    auth: str  # the browser's authentication secret, base64url
    payload: dict[str, str]
    urgency: str = "normal"


class PushService(Protocol):
    def send(self, push: Push) -> int:
        """Hand the push over; the push service's status code. NotSent when it could not be reached,
        Refused when the endpoint is not one Sahl calls."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@cache
def vapid_key() -> ec.EllipticCurvePrivateKey:
    raw = settings.SAHL_VAPID_PRIVATE_KEY
    if raw:
        scalar = int.from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), "big")
    else:
        derived = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=b"sahl vapid key v1").derive(
            settings.SECRET_KEY.encode()
        )
        scalar = int.from_bytes(derived, "big") % (_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def public_key() -> str:
    """The VAPID public key as browsers take it (applicationServerKey): uncompressed point, base64url."""
    point = (
        vapid_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return _b64(point)


def _authorization(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 3600,
        "sub": settings.SAHL_PUBLIC_URL
        if settings.SAHL_PUBLIC_URL.startswith("https:")
        else "mailto:" + settings.DEFAULT_FROM_EMAIL.rstrip(">").rpartition("<")[2],
    }
    return str(Vapid02(vapid_key()).sign(claims)["Authorization"])


class WebPushService:
    """The real push services, over HTTPS."""

    def send(self, push: Push) -> int:
        outside.leaving("a push service")
        allow_loopback = settings.SAHL_PUSH_ALLOW_LOOPBACK
        try:
            endpoints.check(push.endpoint, allow_loopback=allow_loopback)
            endpoints.check_addresses(push.endpoint, allow_loopback=allow_loopback)
        except endpoints.EndpointRefused as refused:
            raise Refused(f"endpoint-{refused.reason}") from None
        except OSError:
            raise NotSent("dns") from None
        # Imported here: pywebpush brings aiohttp, half a second at the start of every process, and
        # only the worker sending a push needs it.
        from pywebpush import WebPusher

        body = WebPusher(
            {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
        ).encode(json.dumps(push.payload, ensure_ascii=False).encode(), "aes128gcm")["body"]
        headers = {
            "Authorization": _authorization(push.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL),
            "Urgency": push.urgency,
        }
        try:
            response = httpx.post(
                push.endpoint, content=body, headers=headers, timeout=TIMEOUT, follow_redirects=False
            )
        except httpx.TimeoutException:
            raise NotSent("timeout") from None
        except httpx.HTTPError as error:
            raise NotSent(type(error).__name__[:40]) from None
        return response.status_code


def push_service() -> PushService:
    return WebPushService()
