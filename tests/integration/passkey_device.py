"""A passkey device in software (WebAuthn, ES256, attestation "none"), as a phone's platform
authenticator answers the browser: the tests read the options a page gives its script and post
back what the script would post. Its origin is http://localhost, the test client's host."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import sha256, websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

HOST = "localhost"
ORIGIN = f"http://{HOST}"
FLAG = AuthenticatorData.FLAG


def page_options(html: str) -> dict[str, Any]:
    """The WebAuthn options a page hands its script (`js_data`, or fetched as JSON on the login page)."""
    match = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page has no passkey options"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


class SoftPasskey:
    def __init__(self, user_verified: bool = True) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.user_handle = ""
        self.counter = 0
        self.user_verified = user_verified

    def _flags(self) -> FLAG:
        return FLAG.UP | FLAG.UV if self.user_verified else FLAG.UP

    def create(self, options: dict[str, Any], resident: bool = True) -> str:
        """What the browser posts after making a passkey for `options` (a page's creation_options)."""
        public_key = options["creation_options"]["publicKey"]
        self.user_handle = public_key["user"]["id"]
        client_data = CollectedClientData.create("webauthn.create", public_key["challenge"], ORIGIN)
        credential = AttestedCredentialData.create(
            Aaguid.NONE, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(sha256(HOST.encode()), self._flags() | FLAG.AT, 0, credential)
        identifier = websafe_encode(self.credential_id)
        return json.dumps(
            {
                "type": "public-key",
                "id": identifier,
                "rawId": identifier,
                "authenticatorAttachment": "platform",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "attestationObject": websafe_encode(AttestationObject.create("none", auth_data, {})),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {"credProps": {"rk": resident}},
            }
        )

    def get(self, request_options: dict[str, Any]) -> str:
        """What the browser posts after using this passkey for `request_options`."""
        challenge = request_options["publicKey"]["challenge"]
        client_data = CollectedClientData.create("webauthn.get", challenge, ORIGIN)
        self.counter += 1
        auth_data = AuthenticatorData.create(sha256(HOST.encode()), self._flags(), self.counter)
        signature = self.key.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        identifier = websafe_encode(self.credential_id)
        return json.dumps(
            {
                "type": "public-key",
                "id": identifier,
                "rawId": identifier,
                "authenticatorAttachment": "platform",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(auth_data),
                    "signature": websafe_encode(signature),
                    "userHandle": self.user_handle,
                },
                "clientExtensionResults": {},
            }
        )


__all__ = ["HOST", "SoftPasskey", "page_options", "websafe_decode"]
