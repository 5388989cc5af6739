"""Whom the request acts for: set by `ActingMiddleware` from the session, checked on every request."""

from __future__ import annotations

from django.http import HttpRequest

from sahl.identity.current import person_of
from sahl.mandates import kept, services
from sahl.mandates.services import Authority

SESSION_KEY = "sahl_acting_for"


def acting_of(request: HttpRequest) -> Authority:
    """The logged-in person and whom they act for (themselves unless they switched)."""
    found = getattr(request, "sahl_acting", None)
    return found if isinstance(found, Authority) else services.oneself(person_of(request))


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def switch(request: HttpRequest, subject: str) -> Authority:
    """Act for `subject` from the next request on (or for oneself again)."""
    person = person_of(request)
    authority = kept.acting_for(person, subject, address=client_address(request), fresh=True)
    if authority.is_self:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = subject
    request.sahl_acting = authority  # type: ignore[attr-defined]
    return authority
