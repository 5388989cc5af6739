"""Whom the request acts for: set by `ActingMiddleware` from the session, checked on every request; for
an app's call with a bearer token, from its `Sahl-Acting-For` header (`act_as_asked`)."""

from __future__ import annotations

from django.http import HttpRequest

from sahl.identity.current import person_of
from sahl.mandates import kept, services
from sahl.mandates.services import Authority

SESSION_KEY = "sahl_acting_for"
# An app names whom its call acts for (a civil ID or a company's number); no header: the person.
ACTING_HEADER = "Sahl-Acting-For"


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


def act_as_asked(request: HttpRequest) -> Authority:
    """Whom an app's call acts for, from its `Sahl-Acting-For` header: decided as a switch on the
    pages is (the same mandates, refused with the same `Forbidden`), for this request only."""
    person = person_of(request)
    subject = request.headers.get(ACTING_HEADER, "").strip()
    if not subject or subject == person.civil_id:
        authority = services.oneself(person)
    else:
        authority = kept.acting_for(person, subject[:20], address=client_address(request))
    request.sahl_acting = authority  # type: ignore[attr-defined]
    return authority
