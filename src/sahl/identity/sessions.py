"""Session limits a government login needs: 60 minutes idle, 24 hours at most, whatever happens."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

STARTED = "sahl_session_started"
SEEN = "sahl_session_seen"


@receiver(user_logged_in)
def start_the_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Stamp the session at login, when it is saved anyway (no extra write on the next page)."""
    now = int(time.time())
    request.session[STARTED] = request.session[SEEN] = now


class SessionLimitsMiddleware:
    """Logs the person out after `SAHL_SESSION_IDLE_SECONDS` without a request, or
    `SAHL_SESSION_MAX_SECONDS` after login, and lets the request go on as anonymous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(STARTED, now)
            seen = request.session.get(SEEN, now)
            if (
                now - seen > settings.SAHL_SESSION_IDLE_SECONDS
                or now - started > settings.SAHL_SESSION_MAX_SECONDS
            ):
                logout(request)  # flushes the session: the old cookie is worthless from now on
            elif SEEN not in request.session or now - seen >= 60:  # write at most once a minute
                request.session[SEEN] = now
        return self.get_response(request)
