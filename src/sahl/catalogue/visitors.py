"""Catalogue pages as a visitor who is not logged in sees them, kept rendered with the catalogue.

They are the same for every visitor in one language, and a government front door gets most of its
traffic there. Only the CSRF token of the language form differs between visitors: it is kept as a
mark and each visitor's own is put in when the page is served. A page is kept only when nothing in
it can be personal: no login, no session (so no flash message), no query string, status 200, no
cookie but the CSRF one. A catalogue load leaves every kept page behind (catalogue.services.keep).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from sahl.catalogue import services as catalogue

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_MARK = b"\x00csrf\x00"

View = Callable[..., HttpResponse]


def _personal(request: HttpRequest) -> bool:
    return (
        request.method != "GET"
        or bool(request.GET)
        or request.user.is_authenticated
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def kept_for_visitors(view: View) -> View:
    @wraps(view)
    def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _personal(request):
            return view(request, *args, **kwargs)
        key = f"page:{get_language()}:{request.path}"
        body = catalogue.kept(key)
        if body is not None:
            token = get_token(request).encode()
            return HttpResponse(body.replace(_MARK, token), content_type="text/html; charset=utf-8")
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            catalogue.keep(key, _TOKEN.sub(rb"\1" + _MARK + rb"\2", response.content))
        return response

    return serve
