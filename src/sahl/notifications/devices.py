"""The devices a person turned notifications on for: one push subscription each, added from the
notification settings page, listed there with a remove button. Only the person's own: another
person's device is "not found", as if it did not exist."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction

from sahl.applications.rules import FormInvalid
from sahl.core.errors import NotFound
from sahl.identity.models import User
from sahl.notifications import endpoints, labels
from sahl.notifications.models import PushSubscription

MAX_DEVICES = 20  # a person's phones, tablets and computers; more is a script, not a person


def devices_of(user: User) -> list[PushSubscription]:
    """The person's devices, newest first."""
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk"))


def devices_for(user: User) -> dict[str, str]:
    """{subscription id: its push service's host} of the person's devices (what an alert needs)."""
    rows = PushSubscription.objects.filter(user=user).order_by("pk").values_list("pk", "endpoint")
    return {str(pk): urlsplit(endpoint).hostname or "" for pk, endpoint in rows}


def subscribe(user: User, *, endpoint: str, p256dh: str, auth: str, user_agent: str) -> PushSubscription:
    """Record this device's subscription for the person (again: its keys are replaced). The endpoint
    must be an address Sahl may call (endpoints.check) and the keys what RFC 8291 says; FormInvalid
    otherwise, and nothing changes."""
    try:
        endpoints.check(endpoint, allow_loopback=settings.SAHL_PUSH_ALLOW_LOOPBACK)
    except endpoints.EndpointRefused:
        raise FormInvalid({"endpoint": labels.ERRORS["push_endpoint"]}) from None
    if not _is_public_key(p256dh) or len(_decoded(auth) or b"") != 16:
        raise FormInvalid({"keys": labels.ERRORS["push_keys"]})
    with transaction.atomic():
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing is None and PushSubscription.objects.filter(user=user).count() >= MAX_DEVICES:
            raise FormInvalid({"endpoint": labels.ERRORS["push_too_many"]})
        subscription = existing or PushSubscription(endpoint=endpoint)
        # A browser handed from one person to another keeps its endpoint: it is now the new person's.
        subscription.user, subscription.p256dh, subscription.auth = user, p256dh, auth
        subscription.label = device_label(user_agent)
        subscription.save()
    return subscription


def remove(user: User, subscription_id: int) -> None:
    """Forget one of the person's devices (NotFound when it is not theirs)."""
    with transaction.atomic():
        deleted, _ = PushSubscription.objects.filter(pk=subscription_id, user=user).delete()
    if not deleted:
        raise NotFound("page.not_found")


def _decoded(text: str) -> bytes | None:
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,200}={0,2}", text):
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_public_key(text: str) -> bool:
    raw = _decoded(text)
    if raw is None or len(raw) != 65:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


_BROWSERS = (
    ("Edg/", "Edge"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Chrome on Android": which device, as its browser names itself; never the whole User-Agent."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or "?"
