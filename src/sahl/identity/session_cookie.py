"""Django's session middleware, except that a cookie naming no session is left alone.

Django deletes the session cookie whenever a request brings one whose session is gone. A login
replaces the session (a new key), so a request the browser sent just before it (the service
worker's update check, the login page's polling) reaches the server with the old key after the
login, and its answer deleted the new cookie: the person was logged out at random. A stale cookie
names nothing and is harmless; it is replaced by the next session Sahl saves. A session emptied on
purpose (logout, Django's `flush`) is marked modified, and its cookie still goes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


class SessionCookieMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not session.modified
            and session.is_empty()
        ):
            # The cookie named a session that no longer exists, and this request wrote none.
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
