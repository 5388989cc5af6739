"""The Idempotency-Key header as a client sends it, and as the OpenAPI document declares it on every
write that requires one (`openapi_extra=header.REQUIRED`): the view reads it from the request itself,
so that a missing key is refused by `services.check_key` with its own message."""

from __future__ import annotations

from typing import Any

from sahl.idempotency.services import KEY_LENGTH

NAME = "Idempotency-Key"

PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": NAME,
    "required": True,
    "description": f"1 to {KEY_LENGTH} characters chosen by the client, one per write: the same key with "
    "the same request answers what the first was answered and does nothing twice; the same key with "
    "a different request answers 409. Missing or too long answers 400. Keys are the caller's own and "
    "kept at least 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_LENGTH},
}

REQUIRED: dict[str, Any] = {"parameters": [PARAMETER]}
