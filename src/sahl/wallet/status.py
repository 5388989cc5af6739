"""Status lists: a random unused index for each credential, and the signed list verifiers read.

The signed token is made again only after a change (its `version` moved) or when its ttl is up,
so a list read a thousand times a second is signed once per change.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sahl.wallet import keys, statuslist
from sahl.wallet.jose import sign
from sahl.wallet.models import Credential, StatusList

TTL = 300  # seconds a verifier may keep a list before asking again
LIFETIME = dt.timedelta(days=1)  # a list token's exp: an offline verifier's copy is stale after this
FULL = 0.75  # a list this used gets a successor, so random picks stay quick


def list_size() -> int:
    return int(getattr(settings, "SAHL_WALLET_STATUS_LIST_SIZE", 1 << 17))


def uri(status_list: StatusList | int) -> str:
    pk = status_list if isinstance(status_list, int) else status_list.pk
    return f"{settings.SAHL_PUBLIC_URL}/wallet/status/{pk}"


def allocate(make: type[Credential], **fields: object) -> Credential:
    """Create the credential row at a random free index of the open list (within the caller's
    transaction). A taken index is simply drawn again."""
    current = (
        StatusList.objects.select_for_update().filter(used__lt=FULL * list_size()).order_by("pk").first()
    )
    if current is None:
        current = StatusList.objects.create(size=list_size())
        current = StatusList.objects.select_for_update().get(pk=current.pk)
    for _ in range(64):
        index = secrets.randbelow(current.size)
        try:
            with transaction.atomic():
                credential = make.objects.create(status_list=current, status_index=index, **fields)
        except IntegrityError:
            continue
        StatusList.objects.filter(pk=current.pk).update(used=current.used + 1)
        return credential
    raise RuntimeError("no free status index after 64 draws")  # under 75% full: (3/4)^64 ≈ 1e-8


def set_status(credentials: list[Credential], value: int) -> int:
    """Give credentials a status; the lists they sit in are re-signed on their next read."""
    changed = [c for c in credentials if c.status != value]
    if not changed:
        return 0
    Credential.objects.filter(pk__in=[c.pk for c in changed]).update(status=value)
    for list_id in {c.status_list_id for c in changed}:
        StatusList.objects.filter(pk=list_id).update(version=F("version") + 1)
    return len(changed)


def token(list_id: int) -> str | None:
    """The signed `statuslist+jwt` of one list, or None when there is no such list."""
    found = StatusList.objects.filter(pk=list_id).first()
    if found is None:
        return None
    now = timezone.now()
    fresh = found.token_made_at is not None and now - found.token_made_at < dt.timedelta(seconds=TTL // 2)
    if found.token and found.token_version == found.version and fresh:
        return found.token
    version = found.version
    marked = dict(
        Credential.objects.filter(status_list_id=list_id)
        .exclude(status=0)
        .values_list("status_index", "status")
    )
    key = keys.signing_key()
    expires = now + LIFETIME
    made = sign(
        keys.private(key),
        {"alg": "ES256", "typ": "statuslist+jwt", "kid": key.kid},
        {
            "sub": uri(list_id),
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "ttl": TTL,
            "status_list": statuslist.encode(marked, found.size),
        },
    )
    keys.signed(key, expires)
    # Only if nothing changed meanwhile; otherwise the next read signs the newer state.
    StatusList.objects.filter(pk=list_id, version=version).update(
        token=made, token_version=version, token_made_at=now, token_key=key
    )
    return made


def all_uris() -> list[str]:
    return [uri(pk) for pk in StatusList.objects.order_by("pk").values_list("pk", flat=True)]
