"""Every request acting for someone else asks `authorize` again, so a revoked or expired mandate
(or a child turning 18) stops the very next request: that request is refused, the refusal is in
the subject's audit log, and the person acts for themselves again. The answer is kept between
requests until a mandate of the person's changes or its last day passes (mandates.kept)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from sahl.core.errors import Forbidden
from sahl.core.problems import problem, wants_problem
from sahl.identity.models import User
from sahl.mandates import kept
from sahl.mandates.current import SESSION_KEY, client_address
from sahl.registry.adapters import registers
from sahl.ui.errors import error_page


class ActingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        subject = request.session.get(SESSION_KEY) if isinstance(request.user, User) else None
        if subject and isinstance(request.user, User):
            try:
                request.sahl_acting = kept.acting_for(  # type: ignore[attr-defined]
                    request.user, subject, address=client_address(request)
                )
            except Forbidden:
                request.session.pop(SESSION_KEY, None)
                return _ended(request, subject)
        return self.get_response(request)


def _ended(request: HttpRequest, subject: str) -> HttpResponse:
    person = registers().person(subject)
    name = (person.name.get(get_language() or "ar") if person else "") or "—"
    if wants_problem(request):
        return problem(403, "mandate.ended", {"name": name})
    return error_page(request, 403, "mandate.ended", name=name)
