"""The machine verifier: a presented credential checked against the profile, then its state read
from the status list (the public verifier page does the same offline, in wallet/verify.js)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sahl.core.errors import BadInput
from sahl.wallet import keys, sdjwt
from sahl.wallet.jose import JoseError
from sahl.wallet.metadata import issuer
from sahl.wallet.models import Credential

BINDING_AGE = 300  # seconds a key binding's iat may be from the verifier's clock (online check)


@dataclass(frozen=True)
class Verification:
    genuine: bool
    state: str  # valid | expired | not_yet_valid | suspended | revoked | unknown, or refused
    reason: str = ""  # why a presentation was refused (a code of the profile)
    configuration: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    expires_at: dt.datetime | None = None
    checked_at: dt.datetime = field(default_factory=timezone.now)


def verify(text: str, audience: str | None = None, nonce: str | None = None) -> Verification:
    """The machine verifier: the profile's checks, then the status from the status list itself."""
    if not isinstance(text, str) or not text.strip() or len(text) > 20_000:
        raise BadInput("wallet.presentation_missing")
    now = int(time.time())
    if nonce is None:
        binding = sdjwt.qr_binding(now)
    else:
        binding = sdjwt.Binding(audience or "", lambda n, iat: n == nonce and abs(iat - now) <= BINDING_AGE)
    try:
        checked = sdjwt.verify(text, issuer(), keys.verifying_keys(), binding, now)
    except JoseError as e:
        return Verification(False, "refused", e.code)
    configuration = str(checked.payload.get("vct", "")).removeprefix(f"{issuer()}/vct/")
    state = checked.timing
    if state == "valid":
        state = status_of(checked.status_reference)
    hidden = {"iss", "iat", "nbf", "exp", "vct", "cnf", "status"}
    claims = {k: v for k, v in checked.claims.items() if k not in hidden and v != {}}
    expires = checked.payload.get("exp")
    return Verification(
        True,
        state,
        configuration=configuration,
        claims=claims,
        expires_at=dt.datetime.fromtimestamp(expires, dt.UTC) if isinstance(expires, int) else None,
    )


def status_of(reference: tuple[str, int] | None) -> str:
    """What the status list says of a credential's reference now: valid, revoked, suspended or unknown."""
    if reference is None:
        return "unknown"
    uri, index = reference
    prefix = f"{issuer()}/wallet/status/"
    number = uri.removeprefix(prefix)
    if not uri.startswith(prefix) or not (number.isascii() and number.isdigit()):
        return "unknown"
    found = (
        Credential.objects.filter(status_list_id=int(number), status_index=index)
        .values_list("status", flat=True)
        .first()
    )
    return {None: "unknown", 0: "valid", 1: "revoked", 2: "suspended"}[found]
