"""The wallet in JSON: my documents and their state, an offer for a wallet app, and verifying."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from sahl.core.api_schemas import Text, errors
from sahl.core.bounds import Id
from sahl.core.languages import in_both, in_language
from sahl.mandates.current import acting_of
from sahl.wallet import holding, issuing, verifying
from sahl.wallet.verdicts import REFUSALS, STATES

router = Router(tags=["wallet"])


class WalletDocumentOut(Schema):
    """A document as Hawiyati holds it: its state now and the credentials it can become. Issued by
    an application (`source` application), or copied from a register (`source` register: the civil
    ID, driving licences, passports and vehicle registrations the registers certify)."""

    id: int  # within its source
    source: Literal["application", "register"]
    key: str  # unique across sources: the id for an application's document, r<id> for a register copy
    document: str
    name: Text
    verification_code: str  # an application's document's code; a copy's number in its register
    issued_on: dt.date | None  # None for a copy whose register does not keep the day
    valid_until: dt.date | None
    state: str  # valid | expired | suspended | revoked
    configurations: list[str]


class OfferIn(Schema):
    document: Id = Field(description="the document's `id` in my wallet's documents")
    source: Literal["application", "register"] = Field(
        "application", description="the document's `source` in my wallet's documents"
    )


class OfferOut(Schema):
    credential_offer: dict[str, Any]
    credential_offer_uri: str  # the openid-credential-offer:// link (also shown as a QR)
    tx_code: str
    expires_at: dt.datetime


class VerifyIn(Schema):
    presentation: str = Field(description="the SD-JWT presentation read from the holder's QR code")
    # With nonce: an online check with the verifier's own nonce.
    audience: str | None = Field(None, description="the verifier's own audience, given with `nonce`")
    nonce: str | None = Field(
        None, description="the verifier's own nonce the holder bound the presentation to"
    )


class VerifyOut(Schema):
    genuine: bool
    state: str
    state_text: str
    reason: str
    reason_text: str
    configuration: str
    claims: dict[str, Any]
    expires_at: dt.datetime | None
    checked_at: dt.datetime


@router.get(
    "/wallet/documents",
    response=list[WalletDocumentOut],
    auth=django_auth,
    summary="My documents in Hawiyati",
    description="What the registers certify for me (my civil ID, driving licences, passports, vehicle "
    "registrations) and every document issued to me, with its state now (valid, expired, suspended, revoked) "
    "and the credential configurations a wallet app can receive it as.",
)
def documents(request: HttpRequest) -> list[WalletDocumentOut]:
    return [
        WalletDocumentOut(
            id=d.id,
            source=d.source,
            key=d.key,
            document=d.type,
            name=Text(**in_both(d.name)),
            verification_code=d.number,
            issued_on=d.issued_on,
            valid_until=d.valid_until,
            state=d.state,
            configurations=list(d.configurations),
        )
        for d in holding.documents_of(holding.holder_of(acting_of(request)))
    ]


@router.post(
    "/wallet/offers",
    response={201: OfferOut} | errors(404),
    auth=django_auth,
    summary="A one-time OpenID4VCI credential offer for one of my documents",
    description="Any OpenID4VCI 1.0 wallet redeems it with the pre-authorized code and the 6-digit tx_code "
    "within 10 minutes (docs/wallet-qr-profile.md). 404 for a document that is not mine; 400 for one "
    "that is revoked or expired.",
)
def offer(request: HttpRequest, body: OfferIn) -> Status:
    made = issuing.make_offer(holding.holder_of(acting_of(request)), body.document, body.source)
    return Status(
        201,
        OfferOut(
            credential_offer=made.offer,
            credential_offer_uri=made.uri,
            tx_code=made.tx_code,
            expires_at=made.expires_at,
        ),
    )


@router.post(
    "/wallet/verify",
    response=VerifyOut,
    summary="Verify a presented Sahl credential (no login)",
    description="Checks the signature, type, algorithm, validity times, key binding (the QR profile's time "
    "window, or your own audience and nonce), the disclosures and the status list. A refused presentation "
    "answers 200 with genuine=false and a reason code.",
)
def verify(request: HttpRequest, body: VerifyIn) -> VerifyOut:
    result = verifying.verify(body.presentation, body.audience, body.nonce)
    language = get_language() or "ar"
    reason = REFUSALS.get(result.reason)
    return VerifyOut(
        genuine=result.genuine,
        state=result.state,
        state_text=in_language(STATES[result.state], language),
        reason=result.reason,
        reason_text=in_language(reason, language) if reason else "",
        configuration=result.configuration,
        claims=result.claims,
        expires_at=result.expires_at,
        checked_at=result.checked_at,
    )
