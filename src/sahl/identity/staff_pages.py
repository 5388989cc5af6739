"""What the two staff pages (an agency administrator's team, an operator's administrators) share:
a refusal shown beside the form, and removing a member after a confirmation page (identity.staff)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sahl.core.errors import NotFound, SahlError, http_status
from sahl.core.languages import in_language
from sahl.core.messages import message
from sahl.identity import staff
from sahl.identity.current import address_of, person_of
from sahl.ui.errors import for_error

if TYPE_CHECKING:  # pages read models through services only
    from sahl.identity.models import StaffMembership, User


def refusal(request: HttpRequest, error: SahlError) -> dict[str, Any]:
    """The refusal in the page's language: beside its field when it is about one, else above."""
    text = message(error.code, request.LANGUAGE_CODE, **error.params)
    field = staff.field_of(error.code)
    return {"errors": {field: text}} if field else {"refusal": text}


def removal(
    request: HttpRequest,
    membership_id: int,
    template: str,
    done: Callable[[StaffMembership, User], str],
    may_open: Callable[[User], bool] = lambda person: True,
) -> HttpResponse:
    """GET: what removing this member means, with Confirm; POST: removed, then to `done`'s page.
    Another agency's member, or a page the person may not open, answers 404."""
    person = person_of(request)
    try:
        if not may_open(person):
            raise NotFound("page.not_found")
        found = staff.member(person, membership_id)
    except SahlError as error:
        return for_error(request, error)
    shown, status = "", 200
    if request.method == "POST":
        try:
            staff.remove(person, membership_id, address=address_of(request))
        except SahlError as error:
            shown, status = message(error.code, request.LANGUAGE_CODE, **error.params), http_status(error)
        else:
            language = request.LANGUAGE_CODE
            messages.success(
                request,
                _("%(name)s is no longer on the staff of %(agency)s.")
                % {
                    "name": found.user.display_name(language),
                    "agency": in_language(found.agency.name, language),
                },
            )
            return redirect(done(found, person))
    context = {"member": found, "refusal": shown, "oneself": found.user_id == person.pk}
    return render(request, template, context, status=status)
