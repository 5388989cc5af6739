"""What Hawiyati's issuer publishes about itself: its identifier, its keys, the credential types
(one per configuration, with their claims in both languages) and the OAuth endpoints a wallet app
reads before asking for a credential (docs/wallet-qr-profile.md, ADR 0009)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sahl.catalogue import services as catalogue
from sahl.core.bilingual import LANGUAGES
from sahl.core.errors import NotFound
from sahl.core.languages import Wording, in_both, in_language
from sahl.wallet import keys, rules

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def issuer() -> str:
    return str(settings.SAHL_PUBLIC_URL)


def vct(configuration: str) -> str:
    return f"{issuer()}/vct/{configuration}"


def jwt_vc_issuer() -> dict[str, Any]:
    return {"issuer": issuer(), "jwks": {"keys": [key.public_jwk for key in keys.published()]}}


def _display(names: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": names[language], "locale": language} for language in LANGUAGES]


@dataclass(frozen=True)
class CredentialType:
    configuration: str
    name: dict[str, str]  # {"ar": …, "en": …}, as published
    claims: list[dict[str, Any]] = field(default_factory=list)


def credential_types() -> dict[str, CredentialType]:
    """Every configuration: each catalogue document type, and the QR ones of identity documents."""
    found: dict[str, CredentialType] = {}
    kinds: dict[str, tuple[Wording, dict[str, Wording]]] = {
        code: (kind.name, dict(kind.fields)) for code, kind in catalogue.document_types().items()
    }
    for code, details in rules.REGISTER_DOCUMENTS.items():  # copied from the registers (civil_id)
        name, fields = kinds.get(code, (rules.DOCUMENT_NAMES[code], {}))
        kinds[code] = (name, fields | {n: rules.DETAIL_LABELS[n] for n in details if n not in fields})
    for code, (kind_name, kind_fields) in sorted(kinds.items()):
        name = rules.DOCUMENT_NAMES.get(code, kind_name)
        for configuration in rules.configurations(code):
            qr = rules.qr_kind(configuration)
            shown = (
                {
                    language: f"{in_language(name, language)} — {in_language(rules.QR_NAMES[qr], language)}"
                    for language in LANGUAGES
                }
                if qr
                else in_both(name)
            )
            if code in rules.COMPANY_DOCUMENTS:
                claims = _company_claim_metadata()
            else:
                claims = _claim_metadata(qr, kind_fields)
            found[configuration] = CredentialType(configuration, shown, claims)
    return found


def _claim(path: list[str], label: Wording, sd: str) -> dict[str, Any]:
    return {
        "path": path,
        "display": [{"locale": language, "label": in_language(label, language)} for language in LANGUAGES],
        "sd": sd,
    }


def _company_claim_metadata() -> list[dict[str, Any]]:
    """A company's credential: the company and its licence, nothing of its people (rules.company_claims)."""
    return [_claim([n], rules.CLAIM_LABELS[n], "always") for n in rules.COMPANY_CLAIMS]


def _claim_metadata(qr: str, fields: dict[str, Wording]) -> list[dict[str, Any]]:
    claim = _claim
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
        "name": kind.name["en"],
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
        "display": _display(in_both(_("Sahl — Hawiyati"))),
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
