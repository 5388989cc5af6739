"""The API's OpenAPI document, kept true to what the running code answers (docs/adr/0029-a-true-openapi-document.md).

`SahlAPI` is django-ninja's API whose document (served at /api/v1/openapi.json, committed as
docs/openapi.json by `make openapi`) differs from ninja's own in four ways:

- two different schemas may not claim one component name: ninja would keep the last one and
  silently document every other use with the wrong shape; here building the document fails;
- every error is `application/problem+json` with the `Problem` schema: what an operation's own use
  cases raise it declares itself (`core.api_schemas.errors`), and what every operation of its kind
  can meet is added here from how it is called (input, login, method, body);
- the headers every operation reads are declared: Accept-Language everywhere, the CSRF token on
  writes with a session login, Retry-After on 429 and 503;
- the security schemes say how to get in, and each operation an app may call names its scope.
"""

from __future__ import annotations

import copy
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import APIKeyCookie

from sahl.core.api_schemas import Problem
from sahl.core.problems import CONTENT_TYPE

PROBLEM_REF = {"$ref": REF_TEMPLATE.format(model=Problem.__name__)}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# What each error status means for any operation that declares it.
MEANINGS = {
    400: "The request is malformed or a value is refused (which one: `fields` or `errors`); nothing was changed.",
    401: "No valid login: the session has ended, or the bearer token is missing, unknown or expired.",
    403: "Refused: not allowed for this person or agency (for a session login also: a write without "
    "the CSRF token, or acting for someone whose mandate has ended; for an app's token: a token without "
    "the operation's scope, or acting for someone the person may not act for); nothing was changed.",
    404: "Not found, or not yours to see (the two are not told apart).",
    409: "It clashes with the current state (someone acted first, or the Idempotency-Key was used "
    "for another request); nothing was changed.",
    411: "The body was sent in chunks, without a Content-Length, to a server that reads a body by its "
    "length; it was not read and nothing was changed. Send the body with its length.",
    413: "The request body is larger than the limit; it was not read and nothing was changed.",
    422: "Understood but not acceptable in its content; nothing was changed.",
    429: "Too many requests of this kind for now; nothing was done. Try again after `Retry-After` seconds.",
    500: "Something failed inside Sahl; nothing acknowledged is lost. Trying again later is safe.",
    503: "Sahl cannot answer right now (e.g. its database is unavailable); try again after `Retry-After` seconds.",
}

RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}

PARAMETERS: dict[str, dict[str, Any]] = {
    "AcceptLanguage": {
        "in": "header",
        "name": "Accept-Language",
        "required": False,
        "description": "`ar` (the default) or `en`: the language of problems' `title` and of texts given "
        "in one language. Texts given as `{ar, en}` carry both whatever is asked.",
        "schema": {"type": "string", "examples": ["ar", "en"]},
    },
    "ActingFor": {
        "in": "header",
        "name": "Sahl-Acting-For",
        "required": False,
        "description": "With an app's access token only: act for this civil ID (a child, a person who gave "
        "a power of attorney) or company number, as switching on the pages does. Someone the person may "
        "not act for answers 403. Without it the call acts for the person. A session acts for whom the "
        "pages' switch chose instead.",
        "schema": {"type": "string", "maxLength": 20},
    },
    "CsrfToken": {
        "in": "header",
        "name": "X-CSRFToken",
        "required": False,
        "description": "Required on writes made with the session cookie: the value of the `csrftoken` "
        "cookie (a multipart form may carry it as its `csrfmiddlewaretoken` field instead). Without "
        "it the write answers 403.",
        "schema": {"type": "string"},
    },
}

# ninja's session login (`django_auth`) has no description of its own.
SESSION_DESCRIPTION = (
    "The session cookie of a login on Sahl's pages (the same login, second factor included). Writes "
    "also need the CSRF token (the `X-CSRFToken` header)."
)

# Security schemes that no ninja auth object stands for (an operation that reads its credentials
# itself), declared by the module of that operation through `security_scheme`.
SCHEMES: dict[str, dict[str, Any]] = {}


def security_scheme(name: str, scheme: dict[str, Any]) -> list[dict[str, list[str]]]:
    """Declare a security scheme for the document; the requirement list an operation puts in its
    `openapi_extra["security"]`."""
    SCHEMES[name] = scheme
    return [{name: []}]


class ComponentClash(Exception):
    """Two different schemas would claim one component name (one would document the other's uses)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"two different schemas are both named {name!r} in the OpenAPI document: rename one "
            "(or give it a `title` in its model_config)"
        )
        self.name = name


class Document(OpenAPISchema):
    """ninja's document, with the four differences told in the module's docstring."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                raise ComponentClash(name)
        super().add_schema_definitions(definitions)

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        # A copy: ninja merges `openapi_extra` by reference, and the same constants serve many operations.
        details: dict[str, Any] = copy.deepcopy(super().operation_details(operation))
        session = any(isinstance(auth, APIKeyCookie) for auth in operation.auth_callbacks)
        app = any(getattr(auth, "scope", None) for auth in operation.auth_callbacks)
        writes = bool(UNSAFE_METHODS & {m.upper() for m in operation.methods})
        in_path = any(p.get("in") == "path" for p in details["parameters"])
        details["parameters"].append({"$ref": "#/components/parameters/AcceptLanguage"})
        if app:
            details["parameters"].append({"$ref": "#/components/parameters/ActingFor"})
        if session and writes:
            details["parameters"].append({"$ref": "#/components/parameters/CsrfToken"})
        common = {400, 500, 503}  # any request may be malformed (even in what it should not carry)
        if in_path:
            common |= {404}  # nothing at an address whose parameter is not one
        if "requestBody" in details:
            common |= {411, 413}
        if operation.auth_callbacks:
            common |= {401}
        if session:
            common |= {403}  # CSRF on writes; a second factor or a mandate that ended since
        responses = details["responses"]
        for status in sorted(common - set(responses)):
            responses[status] = {
                "description": MEANINGS[status],
                "content": {CONTENT_TYPE: {"schema": PROBLEM_REF}},
            }
        for status, response in responses.items():
            if status in (429, 503):
                response.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER)
        details["responses"] = dict(sorted(responses.items()))
        return details

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        """ninja's requirements, each with the scopes of its auth (an app's token needs its area's:
        `identity.bearer.AppToken.scope`); ninja leaves scopes empty."""
        if not operation.auth_callbacks:
            return None
        result = []
        for auth in operation.auth_callbacks:
            if hasattr(auth, "openapi_security_schema"):
                name = auth.__class__.__name__
                scope = getattr(auth, "scope", None)
                result.append({name: [scope] if scope else []})
                self.securitySchemes[name] = auth.openapi_security_schema
        return result

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        result = super().responses(operation)
        for status, response in result.items():
            if _is_problem(operation.response_models.get(status)):
                (media,) = response["content"].values()  # ninja wrote it as application/json
                response["content"] = {CONTENT_TYPE: media}
                response["description"] = MEANINGS.get(status, response["description"])
        return result

    def get_components(self) -> dict[str, Any]:
        self._add_problem()
        components: dict[str, Any] = super().get_components()
        components["parameters"] = PARAMETERS
        schemes = components.setdefault("securitySchemes", {})
        for scheme in schemes.values():
            if scheme.get("type") == "apiKey" and scheme.get("in") == "cookie":
                scheme.setdefault("description", SESSION_DESCRIPTION)
        schemes.update(SCHEMES)
        return components

    def _add_problem(self) -> None:
        schema = Problem.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
        )
        self.add_schema_definitions(schema.pop("$defs", {}) | {Problem.__name__: schema})


def _is_problem(wrapper: Any) -> bool:
    """Whether ninja's wrapper of a declared response holds `Problem` (or a problem with more members)."""
    field = getattr(wrapper, "model_fields", {}).get("response")
    shape = field.annotation if field is not None else None
    return isinstance(shape, type) and issubclass(shape, Problem)


class SahlAPI(NinjaAPI):
    """The API whose document is `Document`."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return Document(api=self, path_prefix=path_prefix)
