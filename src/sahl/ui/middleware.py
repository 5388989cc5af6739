"""Request ids and access logs, and the security headers every response carries."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sahl.core.logs import request_id
from sahl.core.replicas import has_replica, reads_may_lag

access_log = logging.getLogger("sahl.access")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestIdMiddleware:
    """Tags the request (and every log line written while serving it) with an id, and logs it.

    The access log carries the path without its query string: queries may hold personal data.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)


# The answer to a logout tells the browser to forget what Sahl kept in it (ADR 0055): the saved pages
# of the installed app, the wallet's copies, the service workers and with them the device's push
# subscription. The next person on this browser finds nothing of the last one's.
CLEAR_SITE_DATA = '"cache", "storage"'


def logged_out(request: HttpRequest, **kwargs: object) -> None:
    """Receives `user_logged_out` (ui.apps): this request's answer clears the site's data."""
    if request is not None:
        request.META["sahl.logged_out"] = True


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.META.get("sahl.logged_out"):
            response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


WROTE_COOKIE = "sahl_wrote"
WROTE_FOR = 10  # seconds after a write that the person's reads stay on the primary (replica lag)


class ReplicaReadsMiddleware:
    """Safe requests of someone who has not just written may read from the replica (see
    core.replicas); a write marks the browser for WROTE_FOR seconds so they see their own change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not has_replica():
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and WROTE_COOKIE not in request.COOKIES:
            with reads_may_lag():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(WROTE_COOKIE, "1", max_age=WROTE_FOR, httponly=True, samesite="Lax")
        return response
