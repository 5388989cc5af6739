"""The issuer's signing keys: made by the deployment on first use, rotated by a command.

A private key is stored as PKCS#8 encrypted with the deployment's secret key, so a copy of the
database alone does not sign credentials. Decrypted keys are kept in memory per process.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sahl.wallet.jose import key_from_jwk, public_jwk, thumbprint
from sahl.wallet.models import IssuerKey

_PRIVATE: dict[str, ec.EllipticCurvePrivateKey] = {}


def _password() -> bytes:
    return settings.SECRET_KEY.encode()


def _create() -> IssuerKey:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = public_jwk(private.public_key())
    kid = thumbprint(jwk)[:8]
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password()),
    ).decode()
    key = IssuerKey.objects.create(
        kid=kid, public_jwk=jwk | {"kid": kid, "alg": "ES256", "use": "sig"}, private_pem=pem
    )
    _PRIVATE[kid] = private
    return key


def signing_key() -> IssuerKey:
    """The key that signs now (the newest not retired); the first call of a deployment makes one."""
    key = IssuerKey.objects.filter(retired_at__isnull=True).order_by("-pk").first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _create()
    except IntegrityError:  # two processes made one at once: a thumbprint clash is astronomically rare
        return IssuerKey.objects.filter(retired_at__isnull=True).order_by("-pk").first() or _create()


def private(key: IssuerKey) -> ec.EllipticCurvePrivateKey:
    found = _PRIVATE.get(key.kid)
    if found is None:
        loaded = serialization.load_pem_private_key(key.private_pem.encode(), _password())
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        found = _PRIVATE[key.kid] = loaded
    return found


def signed(key: IssuerKey, until: dt.datetime) -> None:
    """Keep the key published at least until `until` (the exp of what it just signed)."""
    IssuerKey.objects.filter(pk=key.pk).filter(
        Q(signed_until__isnull=True) | Q(signed_until__lt=until)
    ).update(signed_until=until)


def published() -> list[IssuerKey]:
    """The keys a verifier needs: the signing one and each retired one whose credentials live on."""
    now = timezone.now()
    return list(
        IssuerKey.objects.filter(
            Q(retired_at__isnull=True) | Q(signed_until__gt=now - dt.timedelta(minutes=5))
        ).order_by("pk")
    )


def verifying_keys() -> dict[str, ec.EllipticCurvePublicKey]:
    return {
        key.kid: key_from_jwk({k: v for k, v in key.public_jwk.items() if k in ("kty", "crv", "x", "y")})
        for key in published()
    }


def rotate() -> tuple[IssuerKey | None, IssuerKey]:
    """A new signing key; the old one signs no more but stays published while its credentials live."""
    with transaction.atomic():
        old = IssuerKey.objects.select_for_update().filter(retired_at__isnull=True).order_by("-pk").first()
        if old is not None:
            old.retired_at = timezone.now()
            old.save(update_fields=["retired_at"])
        return old, _create()
