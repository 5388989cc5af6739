"""Session limits a government login needs: 60 minutes idle, 24 hours at most, whatever happens."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "sahl_session_started"
SEEN = "sahl_session_seen"


def start_the_clock(request: HttpRequest) -> None:
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


HAS_FACTOR = "sahl_has_second_factor"
# What a person without a second factor may still open: setting one up, logging out, the language.
OPEN_WITHOUT_FACTOR = ("/accounts/", "/language", "/static/", "/health", "/dev/sms")


class SecondFactorRequiredMiddleware:
    """With `SAHL_REQUIRE_SECOND_FACTOR` (on behind HTTPS), a logged-in person without a second
    factor is sent to set one up before anything else; the API answers 403. Checked once per
    session (the answer is kept in it; a new login asks again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SAHL_REQUIRE_SECOND_FACTOR
            and request.user.is_authenticated
            and not request.session.get(HAS_FACTOR)
            and not request.path.startswith(OPEN_WITHOUT_FACTOR)
        ):
            from sahl.identity.models import User
            from sahl.identity.services import has_second_factor

            if isinstance(request.user, User) and has_second_factor(request.user):
                request.session[HAS_FACTOR] = True
            else:
                return _set_one_up(request)
        return self.get_response(request)


def _set_one_up(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import get_language

    from sahl.core.messages import message
    from sahl.core.problems import problem, wants_problem

    code = "login.second_factor_required"
    if wants_problem(request):
        return problem(403, code)
    messages.info(request, message(code, get_language() or "ar"))
    return redirect("mfa_index")
