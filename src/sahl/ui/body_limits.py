"""Request bodies larger than their route allows are refused before anything reads them.

Every route takes DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) of body; a route that takes files declares
its own limit with `@body_limit(bytes)` on its view (a Django view, or a django-ninja operation's
function). `BodyLimitMiddleware`, above every middleware and view that reads a body, answers 413
(problem details under /api/, the error page in the person's language elsewhere, or the route's
own refusal) as soon as the declared `Content-Length` is over the limit. A body without a length
(`Transfer-Encoding: chunked`) is read up to the limit into a spooled file (memory up to
FILE_UPLOAD_MAX_MEMORY_SIZE, disk after) and refused at the limit; under it, Django reads it from
there, which it would not do otherwise (it takes a body without a length for an empty one). A
server that does not end such a body itself (uWSGI's HTTP socket, production's: ADR 0067) leaves it
unread: the request is answered 411 Length Required, not served as if it had no body.

The rest of a refused body is never read by the application. gunicorn drops an application's
`Connection` header, but it closes a connection whose body it could not drain in 64 KB (both the
sync and the gthread workers), so the worker reads at most that much more (ADR 0027).

Within the limit, Django can still read a body line by line (after a multipart upload is stopped,
and after the last part), and a body without newline bytes is then one line: lines are handed
out at most `LINE` bytes at a time, so such a read holds 64 KB, not the whole body.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, TypeVar, cast

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from sahl.core import problems
from sahl.ui.errors import error_page

log = logging.getLogger(__name__)

MB = 1024 * 1024
LINE = 64 * 1024  # the longest piece of a line a body hands out at once
CHUNK = 64 * 1024  # what a body without a length is read by
CODE = "request.too_large"
NO_LENGTH = "request.length_required"

View = TypeVar("View", bound=Callable[..., Any])
# The route's own answer (e.g. Open311's error format): request, the route's kwargs, the limit.
Refusal = Callable[[HttpRequest, Mapping[str, Any], int], HttpResponse]


@dataclass(frozen=True)
class BodyLimit:
    max_bytes: int
    refuse: Refusal | None = None


def body_limit(max_bytes: int, refuse: Refusal | None = None) -> Callable[[View], View]:
    """Declares the largest body the view takes (its files at their limits, and the fields)."""

    def declare(view: View) -> View:
        # Django's view decorators copy the function's __dict__ (functools.wraps), so the
        # declaration is seen whichever decorators wrap it.
        view.sahl_body_limit = BodyLimit(max_bytes, refuse)  # type: ignore[attr-defined]
        return view

    return declare


def default_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def limit_for(request: HttpRequest) -> tuple[BodyLimit, Mapping[str, Any]]:
    """The limit of the route the request goes to (the default where nothing is declared or
    nothing answers), and the route's kwargs."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return BodyLimit(default_limit()), {}
    declared = _declared(match.func, request.method or "GET")
    return declared or BodyLimit(default_limit()), match.kwargs


def _declared(view: Callable[..., Any], method: str) -> BodyLimit | None:
    found = getattr(view, "sahl_body_limit", None)
    if isinstance(found, BodyLimit):
        return found
    # django-ninja serves a path with one view that picks the operation by method; the view holds
    # that path's operations (a closure over ninja's PathView), each with the function it runs.
    for cell in getattr(view, "__closure__", None) or ():
        try:
            operations = getattr(cell.cell_contents, "operations", None)
        except ValueError:  # an empty cell
            continue
        for operation in operations or ():
            if method in getattr(operation, "methods", ()):
                found = getattr(operation.view_func, "sahl_body_limit", None)
                return found if isinstance(found, BodyLimit) else None
    return None


def _declared_length(request: HttpRequest) -> int | None:
    """Content-Length as Django reads it (absent, unreadable or negative: no body)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _sent_without_length(request: HttpRequest) -> bool:
    return "HTTP_TRANSFER_ENCODING" in request.META


def _ended_by_the_server(request: HttpRequest) -> bool:
    """Whether the server ends a body without a length itself (gunicorn says so); one that does
    not leaves it unread, and Django would take it for an empty one."""
    return bool(request.META.get("wsgi.input_terminated"))


class _Lines:
    """A body stream whose `readline` hands out at most LINE bytes at a time."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, size: int | None = -1, /) -> bytes:
        return bytes(self._stream.read(size))

    def readline(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0 or size > LINE:
            size = LINE
        return bytes(self._stream.readline(size))

    def close(self) -> None:
        self._stream.close()


def _spool(request: HttpRequest, limit: int) -> tuple[IO[bytes], int] | None:
    """The body without a length, read into a spooled file; None when it passes `limit`."""
    source = request.META["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed when the request is done)
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            return None
        spool.write(chunk)
    spool.seek(0)
    return spool, size


def refusal(request: HttpRequest, limit: BodyLimit, kwargs: Mapping[str, Any]) -> HttpResponse:
    if limit.refuse is not None:
        return limit.refuse(request, kwargs, limit.max_bytes)
    params = {"limit": limit.max_bytes // MB}
    if problems.wants_problem(request):
        return problems.problem(413, CODE, params)
    return error_page(request, 413, CODE, **params)


def _length_required(request: HttpRequest) -> HttpResponse:
    log.warning("request body without a length, left unread", extra={"path": request.path})
    if problems.wants_problem(request):
        return problems.problem(411, NO_LENGTH)
    return error_page(request, 411, NO_LENGTH)


class BodyLimitMiddleware:
    """Refuses a body over its route's limit before it is read (see the module's docstring).

    Placed after the middleware that chooses the language, reads the CSRF cookie and knows the
    person (all without reading the body), so that the error page is theirs; before the CSRF check
    and every view, which read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None and _sent_without_length(request):
            if not _ended_by_the_server(request):
                return _length_required(request)
            return self._streamed(request)
        if length:
            if length > default_limit():  # only then is the route's own limit looked up
                limit, kwargs = limit_for(request)
                if length > limit.max_bytes:
                    return self._refuse(request, limit, kwargs, length)
            request._stream = cast(BinaryIO, _Lines(request._stream))
        return self.get_response(request)

    def _streamed(self, request: HttpRequest) -> HttpResponse:
        limit, kwargs = limit_for(request)
        spooled = _spool(request, limit.max_bytes)
        if spooled is None:
            return self._refuse(request, limit, kwargs, None)
        body, size = spooled
        try:
            # Django reads the body through `_stream`, made from CONTENT_LENGTH when the request
            # was built: both are set as if the length had been sent.
            request.META["CONTENT_LENGTH"] = str(size)
            request._stream = cast(BinaryIO, _Lines(LimitedStream(cast(Any, body), size)))
            return self.get_response(request)
        finally:
            body.close()

    def _refuse(
        self, request: HttpRequest, limit: BodyLimit, kwargs: Mapping[str, Any], length: int | None
    ) -> HttpResponse:
        log.warning(
            "request body over the limit",
            extra={"path": request.path, "limit": limit.max_bytes, "content_length": length},
        )
        return refusal(request, limit, kwargs)
