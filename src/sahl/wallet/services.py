"""Hawiyati's use cases: the holder's documents, credential offers and OpenID4VCI issuance,
revocation when a document is replaced or cancelled, the published metadata, and verifying.

The protocol and the profile are in docs/wallet-qr-profile.md; decisions in ADR 0009.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.catalogue import services as catalogue
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, NotFound
from sahl.identity.models import User
from sahl.registry.adapters import registers
from sahl.wallet import keys, rules, sdjwt, status
from sahl.wallet.jose import JoseError, key_from_jwk, parse, thumbprint
from sahl.wallet.models import AccessToken, Credential, Nonce, Offer

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
OFFER_LIFETIME = dt.timedelta(minutes=10)
TOKEN_LIFETIME = dt.timedelta(minutes=10)
NONCE_LIFETIME = dt.timedelta(minutes=5)
PROOF_AGE = 300  # seconds a key proof's iat may be from the issuer's clock
TX_CODE_TRIES = 5


def issuer() -> str:
    return str(settings.SAHL_PUBLIC_URL)


def vct(configuration: str) -> str:
    return f"{issuer()}/vct/{configuration}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _ts(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class OAuthError(Exception):
    """An OAuth-style error answer of the issuance endpoints (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(error)
        self.error, self.description, self.status = error, description, status


# --- The holder's documents -------------------------------------------------------------------


@dataclass(frozen=True)
class WalletDocument:
    document: IssuedDocument
    state: str  # valid | expired | suspended | revoked
    configurations: tuple[str, ...]
    name: BilingualText


def state_of(document: IssuedDocument, suspended: bool, day: dt.date) -> str:
    if document.revoked_at is not None:
        return "revoked"
    if suspended:
        return "suspended"
    if document.valid_until is not None and document.valid_until < day:
        return "expired"
    return "valid"


def documents_of(user: User) -> list[WalletDocument]:
    """The person's own documents, newest first, with what each is now."""
    found = list(
        IssuedDocument.objects.filter(holder_civil_id=user.civil_id)
        .select_related("application__agency")
        .order_by("-issued_on", "-pk")
    )
    suspended = set(
        Credential.objects.filter(document__in=found, status=Credential.Status.SUSPENDED).values_list(
            "document_id", flat=True
        )
    )
    day = timezone.localdate()
    return [
        WalletDocument(
            d,
            state_of(d, d.pk in suspended, day),
            rules.configurations(d.document),
            rules.DOCUMENT_NAMES.get(d.document, BilingualText(d.title_ar, d.title_en)),
        )
        for d in found
    ]


def _own_document(user: User, document_id: int) -> IssuedDocument:
    document = (
        IssuedDocument.objects.select_related("application__agency")
        .filter(pk=document_id, holder_civil_id=user.civil_id)
        .first()
    )
    if document is None:
        raise NotFound("document.not_found")
    return document


@dataclass(frozen=True)
class MadeOffer:
    offer: dict[str, Any]
    uri: str
    tx_code: str
    expires_at: dt.datetime


def make_offer(user: User, document_id: int) -> MadeOffer:
    """A one-time credential offer for one of the person's documents, for any OpenID4VCI wallet."""
    document = _own_document(user, document_id)
    if document.revoked_at is not None:
        raise BadInput("wallet.document_revoked")
    if document.valid_until is not None and document.valid_until < timezone.localdate():
        raise BadInput("wallet.document_expired")
    code = secrets.token_urlsafe(32)
    tx_code = f"{secrets.randbelow(10**6):06d}"
    configurations = list(rules.configurations(document.document))
    made = Offer.objects.create(
        document=document,
        holder_civil_id=user.civil_id,
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


# --- OpenID4VCI: token, nonce, credential -----------------------------------------------------


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
            AccessToken.objects.select_for_update()
            .select_related("offer__document__application__agency")
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
        document = token.offer.document
        if document.revoked_at is not None:
            raise OAuthError("invalid_credential_request", "the document has been revoked")
        if document.valid_until is not None and document.valid_until < timezone.localdate():
            raise OAuthError("invalid_credential_request", "the document has expired")
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


def issue(document: IssuedDocument, configuration: str, holder_jwk: dict[str, str]) -> str:
    """Sign one credential of `document` for the holder key (within the caller's transaction)."""
    now = timezone.now().replace(microsecond=0)
    day = timezone.localdate()
    facts = rules.Document(
        document.document,
        document.verification_code,
        document.application.agency.code,
        document.issued_on,
        document.valid_until,
        document.application.form_data,
    )
    claims = rules.claims(configuration, _subject(document.holder_civil_id, day), facts, day)
    expires = rules.expiry(facts, now)
    key = keys.signing_key()
    suspended = Credential.objects.filter(document=document, status=Credential.Status.SUSPENDED).exists()
    made = status.allocate(
        Credential,
        document=document,
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


# --- Ending documents -------------------------------------------------------------------------


def revoke(documents: QuerySet[IssuedDocument]) -> int:
    """Revoke documents and every credential of them, at once (the status lists change now)."""
    ids = list(documents.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    IssuedDocument.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
    status.set_status(list(Credential.objects.filter(document_id__in=ids)), Credential.Status.REVOKED)
    return len(ids)


def end_replaced(document: IssuedDocument) -> int:
    """A new document revokes the ones it replaces or cancels (docs/wallet-qr-profile.md)."""
    earlier = IssuedDocument.objects.exclude(pk=document.pk)
    application = document.application
    if document.document in rules.ONE_PER_ITEM:
        field_name = rules.ONE_PER_ITEM[document.document]
        item = application.form_data.get(field_name)
        if not item:
            return 0
        return revoke(
            earlier.filter(document=document.document, **{f"application__form_data__{field_name}": item})
        )
    ended = rules.ended_types(document.document)
    if not ended:
        return 0
    return revoke(earlier.filter(holder_civil_id=document.holder_civil_id, document__in=ended))


def end_power_of_attorney(application_reference: str) -> int:
    return revoke(
        IssuedDocument.objects.filter(
            application__reference=application_reference, document="power_of_attorney"
        )
    )


def change_status(verification_code: str, action: str) -> IssuedDocument:
    """An operator suspends, reinstates or revokes a document (e.g. a licence withdrawn by a court)."""
    document = IssuedDocument.objects.filter(verification_code=verification_code).first()
    if document is None:
        raise NotFound("document.not_found")
    with transaction.atomic():
        if action == "revoke":
            revoke(IssuedDocument.objects.filter(pk=document.pk))
        elif action in ("suspend", "reinstate"):
            if document.revoked_at is not None:
                raise BadInput("wallet.document_revoked")
            value = Credential.Status.SUSPENDED if action == "suspend" else Credential.Status.VALID
            status.set_status(list(Credential.objects.filter(document=document)), value)
        else:
            raise BadInput("wallet.unknown_action")
    document.refresh_from_db()
    return document


# --- Published metadata -----------------------------------------------------------------------


def jwt_vc_issuer() -> dict[str, Any]:
    return {"issuer": issuer(), "jwks": {"keys": [key.public_jwk for key in keys.published()]}}


def _display(name: BilingualText) -> list[dict[str, str]]:
    return [{"name": name.ar, "locale": "ar"}, {"name": name.en, "locale": "en"}]


@dataclass(frozen=True)
class CredentialType:
    configuration: str
    name: BilingualText
    claims: list[dict[str, Any]] = field(default_factory=list)


def credential_types() -> dict[str, CredentialType]:
    """Every configuration: each catalogue document type, and the QR ones of identity documents."""
    found: dict[str, CredentialType] = {}
    for code, kind in sorted(catalogue.document_types().items()):
        name = rules.DOCUMENT_NAMES.get(code, kind.name)
        for configuration in rules.configurations(code):
            qr = rules.qr_kind(configuration)
            shown = (
                BilingualText(f"{name.ar} — {rules.QR_NAMES[qr].ar}", f"{name.en} — {rules.QR_NAMES[qr].en}")
                if qr
                else name
            )
            found[configuration] = CredentialType(configuration, shown, _claim_metadata(qr, kind.fields))
    return found


def _claim_metadata(qr: str, fields: dict[str, BilingualText]) -> list[dict[str, Any]]:
    def claim(path: list[str], label: BilingualText, sd: str) -> dict[str, Any]:
        return {
            "path": path,
            "display": [{"locale": "ar", "label": label.ar}, {"locale": "en", "label": label.en}],
            "sd": sd,
        }

    labels = rules.CLAIM_LABELS
    if qr == rules.QR_ID:
        return [claim([n], labels[n], "never") for n in ("name_ar", "name_en", "civil_id")]
    ages = [claim(["age_equal_or_over", age], rules.AGE_LABELS[age], "always") for age in rules.AGES]
    if qr == rules.QR_AGE:
        return ages
    names = [
        "name_ar",
        "name_en",
        "civil_id",
        "birthdate",
        "nationality",
        "document_number",
        "issuing_authority",
        "issue_date",
        "expiry_date",
    ]
    details = [claim(["details", n], label, "always") for n, label in sorted(fields.items())]
    return [claim([n], labels[n], "always") for n in names] + ages + details


def type_metadata(configuration: str) -> dict[str, Any]:
    kind = credential_types().get(configuration)
    if kind is None:
        raise NotFound("wallet.unknown_type")
    return {
        "vct": vct(configuration),
        "name": kind.name.en,
        "display": _display(kind.name),
        "claims": kind.claims,
    }


def issuer_metadata() -> dict[str, Any]:
    base = issuer()
    supported = {
        c.configuration: {
            "format": "dc+sd-jwt",
            "vct": vct(c.configuration),
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": ["ES256"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
            "credential_metadata": {"display": _display(c.name), "claims": c.claims},
        }
        for c in credential_types().values()
    }
    return {
        "credential_issuer": base,
        "credential_endpoint": f"{base}/wallet/oid4vci/credential",
        "nonce_endpoint": f"{base}/wallet/oid4vci/nonce",
        "display": _display(BilingualText("سهل — هويتي", "Sahl — Hawiyati")),
        "credential_configurations_supported": supported,
    }


def oauth_metadata() -> dict[str, Any]:
    base = issuer()
    return {
        "issuer": base,
        "token_endpoint": f"{base}/wallet/oid4vci/token",
        "grant_types_supported": [PRE_AUTHORIZED],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
    }


# --- Verifying --------------------------------------------------------------------------------

SHOWN_PLAIN = ("name_ar", "name_en", "civil_id")  # plain claims of the QR identity credential


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
        binding = sdjwt.Binding(audience or "", lambda n, iat: n == nonce and abs(iat - now) <= PROOF_AGE)
    try:
        checked = sdjwt.verify(text, issuer(), keys.verifying_keys(), binding, now)
    except JoseError as e:
        return Verification(False, "refused", e.code)
    configuration = str(checked.payload.get("vct", "")).removeprefix(f"{issuer()}/vct/")
    state = checked.timing
    if state == "valid":
        state = _status(checked.status_reference)
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


def _status(reference: tuple[str, int] | None) -> str:
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
