"""One language per person, for pages and messages alike (ADR 0034).

A logged-in person who switches the pages' language in the header makes it their preference, which
their inbox, e-mails and SMS follow. Logging in brings the pages to that preference (the cookie is
set on the login's response), unless the person chose a language with the switch just before
logging in: that newest choice becomes the preference."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sahl.identity import rules, services
from sahl.identity.models import User
from sahl.ui.languages import remember

# In the session of a person not yet logged in: the language they chose with the switch.
CHOSEN = "sahl_language_chosen"
# On the request: the language cookie to set on its response (the login's).
TO_REMEMBER = "sahl_language_to_remember"


def chosen(request: HttpRequest, language: str) -> None:
    """The header's switch was used: the logged-in person's preference, or kept for their login."""
    user = getattr(request, "user", None)
    if isinstance(user, User):  # the lazy user of a logged-in request reads as one
        services.choose_language(user, language)
    elif hasattr(request, "session"):
        request.session[CHOSEN] = language


def logged_in(request: HttpRequest, user: User) -> None:
    """Pages in the person's language from the login's response on."""
    session = getattr(request, "session", None)
    before = session.pop(CHOSEN, None) if session is not None else None
    language = rules.language_at_login(before, user.preferred_language)
    services.choose_language(user, language)
    # The login answers with a redirect: the cookie is enough, the next page is in the language.
    # (Not activated here: a test's force_login would switch the test process's own language.)
    setattr(request, TO_REMEMBER, language)


class LanguageCookieMiddleware:
    """Sets the language cookie on the response of the request that logged the person in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, TO_REMEMBER, None)
        if language:
            remember(response, language)
        return response
