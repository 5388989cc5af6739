"""Sahl's public signing keys for this agency, fetched from Sahl (JWKS) and cached.

An unknown key id makes us fetch again (Sahl rotated its key), at most once a second; fetched keys
are fetched again after five minutes, so a retired key stops being trusted. Keys from a --keys file
(handed over at onboarding) are trusted as long as the simulator runs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sahl.agency_sim.logs import emit
from sahl.agency_sim.verify import public_key

REFRESH_EVERY = 300.0
MIN_INTERVAL = 1.0


class KeysUnavailable(Exception):
    """Sahl's keys could not be fetched, and the key asked for is not cached."""


def from_jwks(document: Any) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        if isinstance(jwk, dict) and isinstance(jwk.get("kid"), str):
            key = public_key(jwk)
            if key is not None:
                keys[jwk["kid"]] = key
    return keys


class SahlKeys:
    def __init__(self, url: str, static_file: str | None = None, timeout: float = 5.0) -> None:
        self.url, self.timeout = url, timeout
        self.static = from_jwks(json.loads(Path(static_file).read_text())) if static_file else {}
        self.fetched: dict[str, Ed25519PublicKey] = {}
        self.fetched_at = self.tried_at = -REFRESH_EVERY
        self.lock = threading.Lock()
        self.fetches = 0

    def find(self, kid: str) -> Ed25519PublicKey | None:
        """The key, or None if Sahl does not publish it; KeysUnavailable if Sahl cannot be asked."""
        with self.lock:
            fresh = time.monotonic() - self.fetched_at < REFRESH_EVERY
            if kid in self.fetched and fresh:
                return self.fetched[kid]
            if kid in self.static:  # handed over at onboarding: trusted as long as we run
                return self.static[kid]
            wait = self.tried_at + MIN_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                self._fetch()
            except (httpx.HTTPError, ValueError) as error:
                emit("keys_fetch_failed", error=type(error).__name__)
                known = self.fetched.get(kid) or self.static.get(kid)
                if known is None:
                    raise KeysUnavailable(str(self.url)) from None
                return known
            return self.fetched.get(kid) or self.static.get(kid)

    def _fetch(self) -> None:
        self.tried_at = time.monotonic()
        response = httpx.get(self.url, timeout=self.timeout, follow_redirects=False)
        response.raise_for_status()
        self.fetched = from_jwks(response.json())
        self.fetched_at = time.monotonic()
        self.fetches += 1
        emit("keys_fetched", kids=sorted(self.fetched))
