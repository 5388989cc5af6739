"""Error pages and the translation of domain errors into HTTP answers, in the person's language.

Under /api/ every error is RFC 9457 problem details (core.problems): the error views below answer
problems there, and `ProblemResponsesMiddleware` turns what a framework answers by itself (ninja's
405, a bare status) into one. A database that does not answer is a 503 with Retry-After, on both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from sahl.core import problems
from sahl.core.errors import SahlError, http_status, retry_after
from sahl.core.messages import message

# What a database that cannot be reached raises (refused or lost connection, a missing or
# unreadable SQLite file, a lock or a statement timeout): trying again later may work.
OUTAGES = (OperationalError, InterfaceError)


def error_page(request: HttpRequest, status: int, code: str, **params: object) -> HttpResponse:
    language = get_language() or "ar"
    return render(
        request,
        "ui/error.html",
        {"status": status, "text": message(code, language, **params)},
        status=status,
    )


def for_error(request: HttpRequest, error: SahlError) -> HttpResponse:
    response = error_page(request, http_status(error), error.code, **error.params)
    if (wait := retry_after(error)) is not None:
        response["Retry-After"] = str(wait)
    return response


def _answer(request: HttpRequest, status: int, code: str, **params: object) -> HttpResponse:
    if problems.wants_problem(request):
        return problems.problem(status, code, params)
    return error_page(request, status, code, **params)


def _too_large() -> dict[str, object]:
    return {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _answer(request, 413, "request.too_large", **_too_large())
    return _answer(request, 400, "request.bad")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403, "request.forbidden")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page is English only and HTML everywhere."""
    return _answer(request, 403, "request.csrf")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404, "request.not_found" if problems.wants_problem(request) else "page.not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside the `except` of any exception nothing else answered (in a
    view, a middleware or a template), so a database outage anywhere ends here as a 503."""
    if isinstance(sys.exc_info()[1], OUTAGES):
        return unavailable(request)
    return _answer(request, 500, "server.error")


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After. The page reads nothing from the database: the person, the flash
    messages and the acting banner would each ask it (and fail again), so they are left out."""
    code = "server.unavailable"
    if problems.wants_problem(request):
        response = problems.problem(503, code)
    else:
        context = {
            "status": 503,
            "text": message(code, get_language() or "ar"),
            "user": AnonymousUser(),
            "viewer": "",
            "messages": (),
            "acting": None,
        }
        response = render(request, "ui/error.html", context, status=503)
    response["Retry-After"] = str(problems.OUTAGE_RETRY_AFTER)
    return response


# Headers of a framework's error answer that stay meaningful on the problem that replaces it.
_KEPT = ("Allow", "Retry-After", "WWW-Authenticate")


class ProblemResponsesMiddleware:
    """The net under /api/: an error answer that is not problem details yet (ninja's 405 for a
    method a path does not take, a bare status from a decorator or a library) becomes the generic
    problem of its status, keeping Allow, Retry-After and WWW-Authenticate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not problems.wants_problem(request)
            or response.get("Content-Type", "").startswith(problems.CONTENT_TYPE)
        ):
            return response
        status = response.status_code
        code = problems.GENERIC_CODES.get(status, "server.error" if status >= 500 else "request.bad")
        replaced = problems.problem(status, code, _too_large() if status == 413 else None)
        for header in _KEPT:
            if header in response:
                replaced[header] = response[header]
        return replaced
