"""Checking a delivery the way docs/agency-api.md asks an agency to: an HTTP Message Signature
(RFC 9421) with Ed25519 by one of Sahl's keys, covering the method, the URL, the content type, the
Content-Digest (RFC 9530) and the event id, created within five minutes.

This is the agency's side, written from the RFCs and the contract only: it shares no code with
Sahl's signer, so a mistake on either side shows up as a refused delivery."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sahl.agency_sim.fields import FieldError, InnerList, Item, parse_dictionary, serialise_inner_list

LABEL = "sahl"
REQUIRED = frozenset({"@method", "@target-uri", "content-type", "content-digest", "sahl-event-id"})
MAX_SKEW = 300  # seconds either side of our clock
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class Refused(Exception):
    """The request is not to be trusted; the message says why (it goes back in a 401)."""


@dataclass(frozen=True)
class Request:
    method: str
    target_uri: str  # the endpoint URL as Sahl was given it, with any query
    headers: Sequence[tuple[str, str]]  # as received, names in any case, repeated names allowed
    body: bytes

    def field(self, name: str) -> str | None:
        """RFC 9421 section 2.1: every field of that name, trimmed, joined by ", "."""
        values = [v.strip(" \t") for k, v in self.headers if k.lower() == name]
        return ", ".join(values) if values else None


FindKey = Callable[[str], Ed25519PublicKey | None]


def verify(request: Request, find_key: FindKey, now: float) -> str:
    """Raise Refused unless the request is signed as the contract says; return the key id."""
    inner, signature = _signature_of(request)
    covered = [_component_name(item) for item in inner.items]
    missing = REQUIRED - set(covered)
    if missing:
        raise Refused(f"the signature does not cover {', '.join(sorted(missing))}")
    if len(set(covered)) != len(covered):
        raise Refused("a component is covered twice")
    kid = _params(inner, now)
    _check_digest(request)
    key = find_key(kid)
    if key is None:
        raise Refused(f"unknown key id {kid!r}: not one of Sahl's published keys for this agency")
    base = signature_base(request, covered, inner)
    try:
        key.verify(signature, base)
    except InvalidSignature:
        raise Refused("the signature does not verify (body, URL, headers or key differ)") from None
    return kid


def _signature_of(request: Request) -> tuple[InnerList, bytes]:
    raw_input, raw_signature = request.field("signature-input"), request.field("signature")
    if raw_input is None or raw_signature is None:
        raise Refused("unsigned: Signature-Input and Signature headers are required")
    try:
        inputs, signatures = parse_dictionary(raw_input), parse_dictionary(raw_signature)
    except FieldError as error:
        raise Refused(f"malformed signature headers: {error}") from None
    inner, signature = inputs.get(LABEL), signatures.get(LABEL)
    if not isinstance(inner, InnerList) or signature is None:
        raise Refused(f"no signature labelled {LABEL!r}")
    if not isinstance(signature, Item) or not isinstance(signature.value, bytes):
        raise Refused("the signature is not a byte sequence")
    return inner, signature.value


def _component_name(item: Item) -> str:
    if not isinstance(item.value, str) or item.params:
        raise Refused("covered components must be plain quoted names")
    return item.value


def _params(inner: InnerList, now: float) -> str:
    params = inner.params
    alg = params.get("alg", "ed25519")
    if alg != "ed25519":
        raise Refused(f"algorithm {alg!r} is not accepted (ed25519 only)")
    kid = params.get("keyid")
    if not isinstance(kid, str) or not kid:
        raise Refused("the signature names no keyid")
    created = params.get("created")
    if not isinstance(created, int) or isinstance(created, bool):
        raise Refused("the signature has no creation time")
    if abs(now - created) > MAX_SKEW:
        raise Refused(f"created {int(now - created)} s from our clock (more than {MAX_SKEW} s)")
    expires = params.get("expires")
    if isinstance(expires, int) and not isinstance(expires, bool) and expires < now:
        raise Refused("the signature has expired")
    return kid


def _check_digest(request: Request) -> None:
    raw = request.field("content-digest")
    if raw is None:
        raise Refused("no Content-Digest header")
    try:
        digests = parse_dictionary(raw)
    except FieldError as error:
        raise Refused(f"malformed Content-Digest: {error}") from None
    known = {name: m for name, m in digests.items() if name in DIGESTS}
    if not known:
        raise Refused("Content-Digest has no sha-256 or sha-512")
    for name, member in known.items():
        if not isinstance(member, Item) or member.value != DIGESTS[name](request.body).digest():
            raise Refused("Content-Digest does not match the body")


def component_value(request: Request, name: str) -> str:
    """RFC 9421 section 2.2 (derived components) and 2.1 (fields)."""
    url = urlsplit(request.target_uri)
    derived = {
        "@method": request.method.upper(),
        "@target-uri": request.target_uri,
        "@authority": url.netloc.lower(),
        "@scheme": url.scheme.lower(),
        "@path": url.path or "/",
        "@query": f"?{url.query}",
        "@request-target": url.path + (f"?{url.query}" if url.query else ""),
    }
    if name.startswith("@"):
        if name not in derived:
            raise Refused(f"derived component {name} is not supported")
        return derived[name]
    value = request.field(name)
    if value is None:
        raise Refused(f"covered header {name} is missing")
    return value


def signature_base(request: Request, covered: list[str], inner: InnerList) -> bytes:
    """RFC 9421 section 2.5: `"name": value` per component, then `"@signature-params"`."""
    lines = [f'"{name}": {component_value(request, name)}' for name in covered]
    lines.append(f'"@signature-params": {serialise_inner_list(inner)}')
    return "\n".join(lines).encode()


def public_key(jwk: dict[str, object]) -> Ed25519PublicKey | None:
    """An OKP/Ed25519 JWK (RFC 8037) as a key, or None for any other kind."""
    x = jwk.get("x")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(x, str):
        return None
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None
