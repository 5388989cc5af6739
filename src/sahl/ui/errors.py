"""Error pages and the translation of domain errors into HTTP answers, in the person's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from sahl.core.errors import SahlError, TooMany, http_status
from sahl.core.messages import message


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
    if isinstance(error, TooMany):
        response["Retry-After"] = str(error.retry_after)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "request.bad")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, "request.forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, "page.not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, "server.error")
