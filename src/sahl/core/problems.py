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
