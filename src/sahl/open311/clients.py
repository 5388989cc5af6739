"""Client applications of the Open311 endpoint and their API keys: issued, rotated, deactivated
(by operators, with manage.py open311_client), and checked when a client posts a request."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.db import transaction

from sahl.open311 import descriptions
from sahl.open311.models import Client
from sahl.open311.rules import Open311Error

KEY_PREFIX = "sahl-o311-"
_CLIENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


def authenticate(api_key: str) -> Client:
    """The active client application whose key this is (only keys' SHA-256 are kept)."""
    key = api_key.strip()
    if not key:
        raise Open311Error(403, descriptions.API_KEY_MISSING)
    digest = hashlib.sha256(key[:200].encode()).hexdigest()
    client = Client.objects.filter(key_sha256=digest, active=True).first()
    if client is None:
        raise Open311Error(403, descriptions.API_KEY_INVALID)
    return client


@dataclass(frozen=True)
class Issued:
    name: str
    key: str  # shown once; only its SHA-256 is kept


def _new_key() -> tuple[str, str]:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hashlib.sha256(key.encode()).hexdigest()


def issue_client(name: str) -> Issued:
    """A new client application and its key."""
    if not _CLIENT_NAME.fullmatch(name):
        raise ValueError("a client's name is 1 to 32 lower-case letters, digits and hyphens")
    with transaction.atomic():
        if Client.objects.filter(name=name).exists():
            raise ValueError(f"a client named {name} exists already; use --rotate for a new key")
        key, digest = _new_key()
        Client.objects.create(name=name, key_sha256=digest)
    return Issued(name, key)


def rotate_key(name: str) -> Issued:
    """A new key for a client (active again); the old key stops working at once."""
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(name=name).first()
        if client is None:
            raise ValueError(f"no client named {name}")
        key, digest = _new_key()
        client.key_sha256, client.active = digest, True
        client.save(update_fields=["key_sha256", "active"])
    return Issued(name, key)


def deactivate_client(name: str) -> None:
    """The client's key is refused from now on; what it filed stays."""
    if not Client.objects.filter(name=name).update(active=False):
        raise ValueError(f"no client named {name}")
