"""An agency administrator's staff page: the team with role and since, appointing a caseworker or a
supervisor by civil ID, and removing a member after a confirmation (identity.staff). A refusal shows
beside the form in the page's language and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sahl.core.errors import NotFound, SahlError, http_status
from sahl.core.languages import in_language
from sahl.identity import staff, staff_pages
from sahl.identity.current import address_of, person_of

if TYPE_CHECKING:  # views read models through services only
    from sahl.identity.models import StaffMembership
from sahl.ui.errors import for_error


def _form(request: HttpRequest) -> dict[str, str]:
    return {
        "civil_id": request.POST.get("civil_id", "")[:20],
        "role": request.POST.get("role", "")[:20],
    }


def _appointed(request: HttpRequest, done: StaffMembership) -> None:
    language = request.LANGUAGE_CODE
    messages.success(
        request,
        _("%(name)s is now %(role)s at %(agency)s.")
        % {
            "name": done.user.display_name(language),
            "role": in_language(staff.ROLE_NAMES[done.role], language),
            "agency": in_language(done.agency.name, language),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form, shown, status = _form(request), {}, 200
    if request.method == "POST":
        try:
            done = staff.appoint(person, form["civil_id"], form["role"], address=address_of(request))
        except NotFound as error:
            return for_error(request, error)
        except SahlError as error:
            shown, status = staff_pages.refusal(request, error), http_status(error)
        else:
            _appointed(request, done)
            return redirect("backoffice:staff")
    try:
        agency, members = staff.team(person)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "backoffice/staff.html",
        {"agency": agency, "members": members, "form": form, "roles": staff.TEAM_ROLES, "me": person.pk}
        | shown,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    """GET: what removing this member means, with Confirm; POST: removed."""
    return staff_pages.removal(
        request,
        membership_id,
        "backoffice/staff_remove.html",
        # An administrator who stepped down no longer has the staff page.
        done=lambda found, person: "portal:home" if found.user_id == person.pk else "backoffice:staff",
    )
