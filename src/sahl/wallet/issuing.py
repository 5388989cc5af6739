"""Issuing credentials over OpenID4VCI: a one-time offer for one of the person's documents, the
token endpoint (pre-authorized code and transaction code), nonces, the credential endpoint bound
to the holder's proven key, and the sweep of what has expired (docs/wallet-qr-profile.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.core.errors import BadInput, NotFound
from sahl.registry.adapters import registers
from sahl.wallet import holding, keys, rules, sdjwt, status
from sahl.wallet.jose import JoseError, key_from_jwk, parse, thumbprint
from sahl.wallet.metadata import PRE_AUTHORIZED, issuer, vct
from sahl.wallet.models import AccessToken, Credential, Nonce, Offer, RegisterCopy

PROOF_TYP = "openid4vci-proof+jwt"
OFFER_LIFETIME = dt.timedelta(minutes=10)
TOKEN_LIFETIME = dt.timedelta(minutes=10)
NONCE_LIFETIME = dt.timedelta(minutes=5)
PROOF_AGE = 300  # seconds a key proof's iat may be from the issuer's clock
TX_CODE_TRIES = 5


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _ts(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class OAuthError(Exception):
    """An OAuth-style error answer of the issuance endpoints (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(error)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class MadeOffer:
    offer: dict[str, Any]
    uri: str
    tx_code: str
    expires_at: dt.datetime


def make_offer(holder: str, document_id: int, source: str = holding.APPLICATION) -> MadeOffer:
    """A one-time credential offer for one of the holder's documents (a person's, or a company's
    for someone acting for it: `holding.holder_of`), or for one of their register copies, for any
    OpenID4VCI wallet."""
    document: IssuedDocument | RegisterCopy
    if source == holding.REGISTER:
        document = holding.own_copy(holder, document_id)
    else:
        document = holding.own_document(holder, document_id)
    _check_current(document, BadInput)
    code = secrets.token_urlsafe(32)
    tx_code = f"{secrets.randbelow(10**6):06d}"
    configurations = list(rules.configurations(document.document))
    made = Offer.objects.create(
        document=document if isinstance(document, IssuedDocument) else None,
        copy=document if isinstance(document, RegisterCopy) else None,
        holder_civil_id=holder,
        configurations=configurations,
        code_sha256=_sha256(code),
        tx_code_sha256=_sha256(tx_code),
        expires_at=timezone.now() + OFFER_LIFETIME,
    )
    offer = {
        "credential_issuer": issuer(),
        "credential_configuration_ids": configurations,
        "grants": {
            PRE_AUTHORIZED: {
                "pre-authorized_code": code,
                "tx_code": {
                    "input_mode": "numeric",
                    "length": 6,
                    "description": "The code shown beside the QR",
                },
            }
        },
    }
    uri = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer, separators=(",", ":")))
    return MadeOffer(offer, uri, tx_code, made.expires_at)


def _check_current(document: IssuedDocument | RegisterCopy, refuse: Callable[[str], Exception]) -> None:
    """A revoked or expired document gives no more credentials."""
    if document.revoked_at is not None:
        raise refuse("wallet.document_revoked")
    if document.valid_until is not None and document.valid_until < timezone.localdate():
        raise refuse("wallet.document_expired")


def redeem(grant_type: str, code: str, tx_code: str) -> dict[str, Any]:
    """The token endpoint: a pre-authorized code (and its transaction code) for an access token."""
    if grant_type != PRE_AUTHORIZED:
        raise OAuthError("unsupported_grant_type", "only the pre-authorized code grant is offered")
    if not code:
        raise OAuthError("invalid_request", "pre-authorized_code is missing")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().filter(code_sha256=_sha256(code)).first()
        if offer is None or offer.redeemed_at is not None or offer.expires_at <= timezone.now():
            raise OAuthError("invalid_grant", "the code is unknown, used or expired")
        if offer.tries >= TX_CODE_TRIES:
            raise OAuthError("invalid_grant", "too many wrong transaction codes: ask for a new offer")
        right = secrets.compare_digest(offer.tx_code_sha256, _sha256(tx_code or ""))
        if right:
            offer.redeemed_at = timezone.now()
            offer.save(update_fields=["redeemed_at"])
            token = secrets.token_urlsafe(32)
            AccessToken.objects.create(
                offer=offer, token_sha256=_sha256(token), expires_at=timezone.now() + TOKEN_LIFETIME
            )
        else:
            Offer.objects.filter(pk=offer.pk).update(tries=offer.tries + 1)  # kept: raised after commit
    if not right:
        raise OAuthError("invalid_grant", "the transaction code is wrong")
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}


def new_nonce() -> str:
    value = secrets.token_urlsafe(24)
    Nonce.objects.create(value=value, expires_at=timezone.now() + NONCE_LIFETIME)
    return value


def _use_nonce(value: str) -> bool:
    """Atomically: a nonce works once and only while fresh."""
    now = timezone.now()
    return (
        Nonce.objects.filter(value=value, used_at__isnull=True, expires_at__gt=now).update(used_at=now) == 1
    )


def _holder_key(proof: Any) -> dict[str, str]:
    """Check an OpenID4VCI `jwt` key proof and give the holder's public JWK it proves."""
    if not isinstance(proof, str):
        raise OAuthError("invalid_proof", "proofs.jwt must hold one JWT")
    try:
        jws = parse(proof, PROOF_TYP)
        jwk: dict[str, str] = jws.header.get("jwk") or {}
        jws.verify(key_from_jwk(jwk))
    except JoseError as e:
        raise OAuthError("invalid_proof", f"the key proof is not acceptable ({e.code})") from e
    claims = jws.payload
    if claims.get("aud") != issuer():
        raise OAuthError("invalid_proof", "the key proof's aud must be the credential issuer")
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(iat - time.time()) > PROOF_AGE:
        raise OAuthError("invalid_proof", "the key proof's iat is missing or too far from now")
    if not isinstance(claims.get("nonce"), str) or not _use_nonce(claims["nonce"]):
        raise OAuthError("invalid_nonce", "use a fresh c_nonce from the nonce endpoint")
    return {name: jwk[name] for name in ("kty", "crv", "x", "y")}


def credential(bearer: str, body: Any) -> dict[str, Any]:
    """The credential endpoint: one configuration of the token's offer, bound to the proven key."""
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "the body must be a JSON object")
    with transaction.atomic():
        token = (
            # Only the token's row is locked: its offer's document or copy is joined outer (one of
            # them is null), which PostgreSQL cannot lock.
            AccessToken.objects.select_for_update(of=("self",))
            .select_related("offer__document__application__agency", "offer__copy")
            .filter(token_sha256=_sha256(bearer or ""), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise OAuthError("invalid_token", "the access token is unknown or expired", 401)
        configuration = str(body.get("credential_configuration_id"))
        if configuration not in token.offer.configurations:
            raise OAuthError("unknown_credential_configuration", "not a configuration of this offer")
        if configuration in token.delivered:
            raise OAuthError(
                "invalid_credential_request", "this configuration was already issued to this token"
            )
        proofs = body.get("proofs")
        if (
            not isinstance(proofs, dict)
            or set(proofs) != {"jwt"}
            or not isinstance(proofs["jwt"], list)
            or len(proofs["jwt"]) != 1
        ):
            raise OAuthError(
                "invalid_credential_request", 'send exactly one key proof: {"proofs": {"jwt": [...]}}'
            )
        holder = _holder_key(proofs["jwt"][0])
        document = token.offer.document or token.offer.copy
        assert document is not None  # the database holds every offer to one source
        refusals = {
            "wallet.document_revoked": "the document has been revoked",
            "wallet.document_expired": "the document has expired",
        }
        _check_current(document, lambda code: OAuthError("invalid_credential_request", refusals[code]))
        text = issue(document, configuration, holder)
        token.delivered = [*token.delivered, configuration]
        token.save(update_fields=["delivered"])
    return {"credentials": [{"credential": text}]}


def _subject(civil_id: str, day: dt.date) -> rules.Subject:
    person = registers().person(civil_id)
    profile = registers().profile(civil_id, day)
    if person is None or profile is None:
        raise NotFound("person.not_found")
    return rules.Subject(civil_id, person.name, person.birth_date, str(profile.facts["nationality"]))


def _company(number: str) -> rules.Company:
    company = registers().company(number)
    if company is None:
        raise NotFound("company.not_found")
    return rules.Company(company.number, company.name, company.activities, company.licence_expiry)


def _facts(document: IssuedDocument | RegisterCopy) -> rules.Document:
    if isinstance(document, RegisterCopy):
        return rules.Document(
            document.document,
            document.number,
            document.agency,
            document.issued_on,
            document.valid_until,
            document.details,
        )
    return rules.Document(
        document.document,
        document.verification_code,
        document.application.agency.code,
        document.issued_on,
        document.valid_until,
        document.application.form_data,
    )


def issue(document: IssuedDocument | RegisterCopy, configuration: str, holder_jwk: dict[str, str]) -> str:
    """Sign one credential of `document` (an application's, or a register copy) for the holder key
    (within the caller's transaction)."""
    now = timezone.now().replace(microsecond=0)
    day = timezone.localdate()
    facts = _facts(document)
    company = rules.company_of(document.document, facts.answers, document.holder_civil_id)
    if company and isinstance(document, IssuedDocument):
        claims = rules.company_claims(_company(company), facts)
    else:
        claims = rules.claims(configuration, _subject(document.holder_civil_id, day), facts, day)
    expires = rules.expiry(facts, now)
    key = keys.signing_key()
    source = {"copy": document} if isinstance(document, RegisterCopy) else {"document": document}
    suspended = Credential.objects.filter(**source, status=Credential.Status.SUSPENDED).exists()
    made = status.allocate(
        Credential,
        **source,
        holder_civil_id=document.holder_civil_id,
        configuration=configuration,
        holder_thumbprint=thumbprint(holder_jwk),
        status=Credential.Status.SUSPENDED if suspended else Credential.Status.VALID,
        issuer_key=key,
        issued_at=now,
        expires_at=expires,
    )
    qr = bool(rules.qr_kind(configuration))
    plain: dict[str, Any] = {"iss": issuer()}
    if not qr:
        plain["iat"] = _ts(now)  # the QR profile leaves it out: nbf says the same, in fewer bytes
    plain |= {
        "nbf": _ts(now),
        "exp": _ts(expires),
        "vct": vct(configuration),
        "cnf": {"jwk": holder_jwk},
        "status": {"status_list": {"idx": made.status_index, "uri": status.uri(made.status_list_id)}},
    }
    plain |= claims.plain
    text = sdjwt.issue(keys.private(key), key.kid, plain, claims.disclosable, claims.nested, compact=qr)
    keys.signed(key, expires)
    return text


def sweep() -> int:
    """Nonces, offers and tokens past their use (an hour's grace, so a slow wallet still gets its
    clear "expired" answer instead of "unknown")."""
    cutoff = timezone.now() - dt.timedelta(hours=1)
    nonces = Nonce.objects.filter(expires_at__lt=cutoff).delete()[0]
    tokens = AccessToken.objects.filter(expires_at__lt=cutoff).delete()[0]
    offers = Offer.objects.filter(expires_at__lt=cutoff).delete()[0]
    return int(nonces + tokens + offers)
