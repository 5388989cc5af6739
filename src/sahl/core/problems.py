"""RFC 9457 problem details: the one shape of every error under /api/, wherever it is raised.

The API's exception handlers, the middleware that refuses a request before any view runs and the
error views all answer through `problem`, so a client meets one `type` per code and one content type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from sahl.core.messages import both, message

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# The code of an error that has no more precise one, by status: what the API's exception handlers,
# the error views (handler400/403/404/500) and the net over framework answers (ui.errors) send.
GENERIC_CODES: dict[int, str] = {
    400: "request.bad",
    401: "request.login_required",
    403: "request.forbidden",
    404: "request.not_found",
    405: "request.method_not_allowed",
    411: "request.length_required",
    413: "request.too_large",
    429: "request.too_many",
    500: "server.error",
    503: "server.unavailable",
}

# Every status an /api/ operation can answer as a problem, with the codes that the cross-cutting
# handlers give it; domain errors add their own codes (core.errors.http_status picks their status:
# NotFound 404, Conflict 409, Forbidden 403, TooMany 429, any other 400). Which operations can meet
# which: 400, 404 (an unknown address), 405, 500 and 503 any; 401 those that need a login or a token;
# 403 `request.csrf` the unsafe ones of a logged-in session; 409 writes with an Idempotency-Key; 411
# and 413 those with a body; 422 those that take a service's form answers; 429 those throttled.
STATUSES: dict[int, tuple[str, ...]] = {
    400: ("request.bad",),
    401: (
        "request.login_required",
        "agency.token_missing",
        "agency.token_invalid",
        "oauth.invalid_client",
        "app.token_invalid",
    ),
    403: (
        "request.forbidden",
        "request.csrf",
        "login.second_factor_required",
        "mandate.ended",
        "app.scope_missing",
    ),
    404: ("request.not_found",),
    405: ("request.method_not_allowed",),
    409: ("idempotency.conflict",),
    411: ("request.length_required",),
    413: ("request.too_large",),
    422: ("application.form_invalid",),
    429: ("request.too_many",),
    500: ("server.error",),
    503: ("server.unavailable",),
}

# Seconds a client is asked to wait (Retry-After) when the database does not answer.
OUTAGE_RETRY_AFTER = 30


def type_of(code: str) -> str:
    """The stable `type` URI of an error code."""
    return f"urn:sahl:problem:{code}"


def wants_problem(request: HttpRequest) -> bool:
    """Whether an error for this request is answered as problem details rather than a page."""
    return request.path_info.startswith(API_PREFIX)


def problem(
    status: int,
    code: str,
    params: Mapping[str, object] | None = None,
    extra: Mapping[str, object] | None = None,
) -> HttpResponse:
    """A problem-details answer; `title` is in the active language, `messages` in both."""
    params = params or {}
    language = get_language() or "ar"
    body = dict(extra or {}) | {
        "type": type_of(code),
        "title": message(code, language, **params),
        "status": status,
        "code": code,
        "messages": both(code, **params),
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=CONTENT_TYPE
    )
