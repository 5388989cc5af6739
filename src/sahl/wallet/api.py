"""The wallet in JSON: my documents and their state, an offer for a wallet app, and verifying."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    """An issued document as Hawiyati holds it: its state now and the credentials it can become."""

    id: int
    document: str
    name: Text
    verification_code: str
    issued_on: dt.date
    valid_until: dt.date | None
    state: str  # valid | expired | suspended | revoked
    configurations: list[str]


class OfferIn(Schema):
    document: Id = Field(description="the document's `id` in my wallet's documents")


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
    description="Every document issued to me, with its state now (valid, expired, suspended, revoked) "
    "and the credential configurations a wallet app can receive it as.",
)
def documents(request: HttpRequest) -> list[WalletDocumentOut]:
    return [
        WalletDocumentOut(
            id=d.document.pk,
            document=d.document.document,
            name=Text(**in_both(d.name)),
            verification_code=d.document.verification_code,
            issued_on=d.document.issued_on,
            valid_until=d.document.valid_until,
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
    made = issuing.make_offer(holding.holder_of(acting_of(request)), body.document)
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
