"""The issuer's signing keys: made at deployment, rotated by a command, published while needed.

A deployment's first key is made by its migration (`wallet/migrations/0003_first_issuer_key.py`);
`manage.py wallet_keys`, run after every `migrate`, makes one again if the table was emptied since.
A private key is stored as PKCS#8 encrypted with the deployment's secret key, so a copy of the
database alone does not sign credentials. Decrypted keys are kept in memory per process.

Publication (ADR 0028): a new key is in the key set from its creation but signs only from
`signs_from`, an hour later by default, so every cache of the key set knows it before the first
credential it signs; a retired key stays in the set until the last credential or status list token
it signed has expired (`signed_until`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sahl.wallet.jose import key_from_jwk, public_jwk, thumbprint
from sahl.wallet.models import IssuerKey, StatusList

# A new key waits this long before it signs: far beyond the key set's max-age (views.JWKS_MAX_AGE),
# and long enough for verifier devices that refresh while online to have it saved.
PUBLISH_AHEAD = dt.timedelta(hours=1)
# A retired key stays a little past its last exp: verifiers allow 60 s of clock skew.
GRACE = dt.timedelta(minutes=5)

_PRIVATE: dict[str, ec.EllipticCurvePrivateKey] = {}


def _password() -> bytes:
    return settings.SECRET_KEY.encode()


@dataclass(frozen=True)
class Material:
    """What a new key row holds (the migration stores it through its historical model)."""

    kid: str
    public_jwk: dict[str, str]
    private_pem: str
    private: ec.EllipticCurvePrivateKey


def new_material() -> Material:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = public_jwk(private.public_key())
    kid = thumbprint(jwk)[:8]
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password()),
    ).decode()
    return Material(kid, jwk | {"kid": kid, "alg": "ES256", "use": "sig"}, pem, private)


def create_row(model: Any, signs_from: dt.datetime) -> Any:
    """A new key row of `model` (IssuerKey, or its historical twin in a migration)."""
    made = new_material()
    row = model.objects.create(
        kid=made.kid, public_jwk=made.public_jwk, private_pem=made.private_pem, signs_from=signs_from
    )
    _PRIVATE[made.kid] = made.private
    return row


def _signing_now(now: dt.datetime) -> IssuerKey | None:
    return (
        IssuerKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=now), signs_from__lte=now)
        .order_by("-signs_from", "-pk")
        .first()
    )


def ensure() -> tuple[IssuerKey, bool]:
    """The key that signs now, made if there is none; True when it was just made. Two processes
    making one at once leave two keys, both published, the newer signing: harmless."""
    now = timezone.now()
    found = _signing_now(now)
    if found is not None:
        return found, False
    with transaction.atomic():
        return create_row(IssuerKey, now), True


def signing_key() -> IssuerKey:
    """The key that signs now. The deployment made it; if the table was emptied since, one is made
    here rather than refusing to issue (it is published at once: no key set was served meanwhile)."""
    return ensure()[0]


def private(key: IssuerKey) -> ec.EllipticCurvePrivateKey:
    found = _PRIVATE.get(key.kid)
    if found is None:
        loaded = serialization.load_pem_private_key(key.private_pem.encode(), _password())
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        found = _PRIVATE[key.kid] = loaded
    return found


def signed(key: IssuerKey, until: dt.datetime) -> None:
    """Keep the key published at least until `until` (the exp of what it just signed). Called in
    the transaction that records a credential, and before a status list token is handed out."""
    IssuerKey.objects.filter(pk=key.pk).filter(
        Q(signed_until__isnull=True) | Q(signed_until__lt=until)
    ).update(signed_until=until)


def published() -> list[IssuerKey]:
    """The keys a verifier needs: the one signing, the one about to sign, and each retired one
    while something it signed has not expired."""
    now = timezone.now()
    return list(
        IssuerKey.objects.filter(
            Q(retired_at__isnull=True) | Q(retired_at__gt=now) | Q(signed_until__gt=now - GRACE)
        ).order_by("signs_from", "pk")
    )


def verifying_keys() -> dict[str, ec.EllipticCurvePublicKey]:
    return {
        key.kid: key_from_jwk({k: v for k, v in key.public_jwk.items() if k in ("kty", "crv", "x", "y")})
        for key in published()
    }


def rotate(ahead: dt.timedelta = PUBLISH_AHEAD) -> tuple[list[IssuerKey], IssuerKey]:
    """A new key, published now and signing after `ahead` (zero for a key that must stop at once).
    Every key that would still sign then stops then; each stays published while its credentials
    live. Gives the keys that stop and the new one."""
    with transaction.atomic():
        start = timezone.now() + ahead
        stopping = list(
            IssuerKey.objects.select_for_update()
            .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=start))
            .order_by("pk")
        )
        for key in stopping:
            key.retired_at = start
            key.save(update_fields=["retired_at"])
        # The status list tokens they signed are signed again on their next read, so a key that
        # stops at once stops being handed out at once too.
        StatusList.objects.filter(token_key__in=stopping).update(token_version=-1)
        return stopping, create_row(IssuerKey, start)
