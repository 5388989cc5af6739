"""Hawiyati's section of "My data": the credentials issued to the person's wallets and the offers
made for them (core.personal_data; contributed from `WalletConfig.ready`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.core.personal_data import STRICT, Contribution, Person
from sahl.wallet.models import Credential, Offer


@with_config(STRICT)
class CredentialRow(TypedDict):
    """A document Hawiyati issued as a verifiable credential (SD-JWT VC) to a wallet of yours.
    The credential itself stays in your wallet: Sahl keeps only this record of it."""

    configuration: str  # the credential configuration, e.g. driving_licence, driving_licence_qr_age
    verification_code: (
        str  # the verification code of the document it carries (a register's number for a copy)
    )
    issued_at: dt.datetime
    expires_at: dt.datetime
    status: str  # valid, revoked, suspended: what the status list says about it
    kid: str  # the key ID of Sahl's key that signed it
    holder_thumbprint: str  # the JWK thumbprint (RFC 7638) of your wallet's key it is bound to


@with_config(STRICT)
class CredentialOffer(TypedDict):
    """An offer you made to add a document to a wallet. Its one-time code and transaction code are
    kept only as one-way hashes, which are not exported. An offer is deleted once it has been expired
    for an hour."""

    configurations: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    redeemed_at: dt.datetime | None  # when a wallet used it


@with_config(STRICT)
class Wallet(TypedDict):
    """Hawiyati: the credentials issued to your wallets and the offers made for you."""

    credentials: list[CredentialRow]
    offers: list[CredentialOffer]


_CREDENTIAL_STATUS: dict[int, str] = {
    Credential.Status.VALID: "valid",
    Credential.Status.REVOKED: "revoked",
    Credential.Status.SUSPENDED: "suspended",
}


def wallet(person: Person) -> Wallet:
    """The credentials Hawiyati issued to the person's wallets and the offers made for them (2
    queries). Only the columns exported are read: never an offer's code or transaction code hashes."""
    credentials = (
        Credential.objects.filter(holder_civil_id=person.civil_id)
        .values(
            "configuration",
            "document__verification_code",
            "copy__number",
            "issued_at",
            "expires_at",
            "status",
            "issuer_key__kid",
            "holder_thumbprint",
        )
        .order_by("issued_at", "pk")
    )
    offers = (
        Offer.objects.filter(holder_civil_id=person.civil_id)
        .values("configurations", "created_at", "expires_at", "redeemed_at")
        .order_by("created_at", "pk")
    )
    return {
        "credentials": [
            {
                "configuration": c["configuration"],
                "verification_code": c["document__verification_code"] or c["copy__number"],
                "issued_at": c["issued_at"],
                "expires_at": c["expires_at"],
                "status": _CREDENTIAL_STATUS[c["status"]],
                "kid": c["issuer_key__kid"],
                "holder_thumbprint": c["holder_thumbprint"],
            }
            for c in credentials
        ],
        "offers": [
            {
                "configurations": list(o["configurations"]),
                "created_at": o["created_at"],
                "expires_at": o["expires_at"],
                "redeemed_at": o["redeemed_at"],
            }
            for o in offers
        ],
    }


WALLET = Contribution(
    key="wallet",
    summary=_(
        "Hawiyati: the documents issued to your digital wallets, with their status, dates and the key "
        "each is bound to, and the offers made to add them to a wallet. Never the codes of those offers."
    ),
    gather=wallet,
)
