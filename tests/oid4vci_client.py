"""A small OpenID4VCI 1.0 wallet (pre-authorized code flow), written from the specification and
not from Sahl's code: it finds the endpoints in the published metadata and speaks plain HTTP."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import ec

from sahl.wallet.jose import public_jwk, sign

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@dataclass
class Wallet:
    http: httpx.Client
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def parse_offer(self, uri: str) -> dict:
        parts = urlsplit(uri)
        assert parts.scheme == "openid-credential-offer", uri
        return json.loads(parse_qs(parts.query)["credential_offer"][0])

    def metadata(self, issuer: str) -> tuple[dict, dict]:
        credential_issuer = (
            self.http.get(f"{issuer}/.well-known/openid-credential-issuer").raise_for_status().json()
        )
        assert credential_issuer["credential_issuer"] == issuer
        server = credential_issuer.get("authorization_servers", [issuer])[0]
        oauth = self.http.get(f"{server}/.well-known/oauth-authorization-server").raise_for_status().json()
        return credential_issuer, oauth

    def token(self, offer: dict, tx_code: str) -> httpx.Response:
        _, oauth = self.metadata(offer["credential_issuer"])
        grant = offer["grants"][PRE_AUTHORIZED]
        return self.http.post(
            oauth["token_endpoint"],
            data={
                "grant_type": PRE_AUTHORIZED,
                "pre-authorized_code": grant["pre-authorized_code"],
                "tx_code": tx_code,
            },
        )

    def proof(
        self, audience: str, nonce: str, key: ec.EllipticCurvePrivateKey | None = None, **changes: object
    ) -> str:
        signer = key or self.key
        claims = {"aud": audience, "iat": int(time.time()), "nonce": nonce} | changes
        return sign(
            signer,
            {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": public_jwk(self.key.public_key())},
            claims,
        )

    def nonce(self, metadata: dict) -> str:
        return str(self.http.post(metadata["nonce_endpoint"]).raise_for_status().json()["c_nonce"])

    def request_credential(
        self, metadata: dict, access_token: str, configuration: str, proof: str
    ) -> httpx.Response:
        return self.http.post(
            metadata["credential_endpoint"],
            headers={"Authorization": f"Bearer {access_token}"},
            json={"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
        )

    def receive(self, offer_uri: str, tx_code: str) -> dict[str, str]:
        """Everything the offer offers: configuration id -> the SD-JWT VC."""
        offer = self.parse_offer(offer_uri)
        metadata, _ = self.metadata(offer["credential_issuer"])
        access = self.token(offer, tx_code).raise_for_status().json()
        assert access["token_type"].lower() == "bearer"
        received = {}
        for configuration in offer["credential_configuration_ids"]:
            assert configuration in metadata["credential_configurations_supported"]
            proof = self.proof(offer["credential_issuer"], self.nonce(metadata))
            answer = self.request_credential(metadata, access["access_token"], configuration, proof)
            received[configuration] = answer.raise_for_status().json()["credentials"][0]["credential"]
        return received
