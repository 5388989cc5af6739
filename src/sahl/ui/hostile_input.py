"""Hostile text and numbers are a 400, never a 500, whatever address they are sent to.

`HostileInputMiddleware` refuses, before any view runs, a request whose path, query string,
urlencoded form or headers hold text no column can store (core.untrusted: NUL, bytes that are not
UTF-8 such as an encoded lone surrogate), and a number taken from the path (`<int:...>`) wider than
a 64-bit column. Multipart fields are checked when a view first reads them (their upload handlers
must be installed first, so they cannot be read here); JSON bodies where they are parsed
(core.untrusted.loads, the API's parser). What still reaches the database and is refused there
(DataError: PostgreSQL's NUL in text or "value out of range"; OverflowError or "datatype mismatch":
SQLite's integer past 64 bits) is answered 400 too, logged by its class only: the database's text may quote the value.

The refusal is problem details under /api/, the error page in the person's language elsewhere, and
the format of an app that has its own (Open311 registers it with `answer_under`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language

from sahl.core import problems, untrusted
from sahl.core.bounds import fits_column
from sahl.core.messages import message
from sahl.ui.errors import error_page

log = logging.getLogger("sahl.refused")

CODE = "request.bad"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

# (request, status, code) -> the refusal in an app's own format
Answer = Callable[[HttpRequest, int, str], HttpResponse]
_ANSWERS: dict[str, Answer] = {}


def answer_under(prefix: str, answer: Answer) -> None:
    """Addresses under `prefix` answer a refusal with `answer(request, status, code)` (an app with
    its own error format). The answer must not read the database."""
    _ANSWERS[prefix] = answer


class HostileMultipartField(MultiPartParserError):
    """A multipart field or file name holds text no column can store. Django answers a
    MultiPartParserError with 400 (handler400) and forgets the parsed form."""


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _clean_request(request):
            log.info("request refused: text no column can store")
            return refusal(request)
        if request.content_type == MULTIPART:
            _check_multipart_when_read(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        # `<int:...>` matches any run of digits; an id wider than the column finds nothing but
        # makes the database (or SQLite's driver) fail.
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not fits_column(value):
                log.info("request refused: a number in the address is out of range")
                return refusal(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, untrusted.UntrustedInput):
            return refusal(request)
        if (
            isinstance(exception, DataError | OverflowError)
            or _mismatch(exception)
            or _unencodable(exception)
        ):
            # The class only: the database's message quotes the refused value.
            log.warning("request refused by the database", extra={"error": _class_path(exception)})
            return refusal(request, database_failed=True)
        return None


def refusal(
    request: HttpRequest, status: int = 400, code: str = CODE, database_failed: bool = False
) -> HttpResponse:
    """The 400 in the format the address speaks. After a database error the page reads nothing
    from the database (the person and the messages would ask it in a transaction that failed)."""
    for prefix, answer in _ANSWERS.items():
        if request.path_info.startswith(prefix):
            return answer(request, status, code)
    if problems.wants_problem(request):
        return problems.problem(status, code)
    if database_failed:
        context = {
            "status": status,
            "text": message(code, get_language() or "ar"),
            "user": AnonymousUser(),
            "messages": (),
            "acting": None,
        }
        return render(request, "ui/error.html", context, status=status)
    return error_page(request, status, code)


def _clean_request(request: HttpRequest) -> bool:
    environ = request.META
    # Django decodes the path and writes bytes that are not UTF-8 back as %XX ("%ED%A0%80"), so the
    # path is read once more as percent-encoded bytes; the query string is still the raw bytes as
    # latin-1 (PEP 3333), which Django would decode replacing broken UTF-8 with U+FFFD.
    if not untrusted.is_clean_urlencoded(request.path_info.encode("utf-8"), plus_is_space=False):
        return False
    query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    if query and not untrusted.is_clean_urlencoded(query):
        return False
    if any(
        "\x00" in value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    ):
        return False
    if request.content_type == FORM and request.method not in ("GET", "HEAD"):
        try:
            body = request.body
        except (RequestDataTooBig, UnreadablePostError):
            return True  # answered where the view reads it (413, or the client went away)
        return not body or untrusted.is_clean_urlencoded(body)
    return True


def _check_multipart_when_read(request: HttpRequest) -> None:
    """Checks the fields and file names as soon as someone reads the form, after the upload
    handlers they install."""
    parse = request.parse_file_upload

    def checked(meta: Any, data: Any) -> tuple[QueryDict, MultiValueDict[str, Any]]:
        fields, files = parse(meta, data)
        texts = [*fields.keys(), *(v for key in fields for v in fields.getlist(key))]
        texts += [f.name or "" for key in files for f in files.getlist(key)]
        if not all(untrusted.is_clean(str(text)) for text in texts):
            log.info("request refused: a form field no column can store")
            raise HostileMultipartField("a field holds text no column can store")
        return fields, files

    request.parse_file_upload = checked  # type: ignore[method-assign,assignment]


def _mismatch(exception: BaseException) -> bool:
    """SQLite's "datatype mismatch" (an OFFSET or LIMIT past 64 bits), which Django raises as an
    IntegrityError: told apart from a real constraint by SQLite's own error name."""
    cause = exception.__cause__
    return (
        isinstance(exception, IntegrityError) and getattr(cause, "sqlite_errorname", "") == "SQLITE_MISMATCH"
    )


def _unencodable(exception: BaseException) -> bool:
    """A lone surrogate that reached the database driver (or an answer) could not be encoded."""
    return isinstance(exception, UnicodeEncodeError) and exception.reason == "surrogates not allowed"


def _class_path(exception: BaseException) -> str:
    return f"{type(exception).__module__}.{type(exception).__qualname__}"
